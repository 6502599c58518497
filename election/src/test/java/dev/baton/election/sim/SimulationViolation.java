package dev.baton.election.sim;

/** An invariant failed. The message names the seed to replay with {@code -Dsim.seed=S} and the last events. */
final class SimulationViolation extends AssertionError {
    SimulationViolation(String message) {
        super(message);
    }
}
