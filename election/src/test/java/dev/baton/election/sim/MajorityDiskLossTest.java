package dev.baton.election.sim;

import dev.baton.election.Timings;
import dev.baton.election.storage.RecoveryState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.baton.election.sim.Simulation.MS;
import static dev.baton.election.sim.Simulation.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A majority of disks lost while no leader runs: the cluster stalls (no leader can know what was committed), until the operator
 * forces a new cluster from the survivor with the longest log; then the wiped members catch up from it, and once
 * a majority holds its first entry the ordinary majority rule is back (killing the forced leader elects another).
 * The {@link SafetyChecker} watches every step, over several seeds.
 */
class MajorityDiskLossTest {
    /** At most 20, fewer when {@code -Dsim.seeds} asks for fewer (mutation testing runs this per mutant). */
    private static final long SEEDS = Math.min(20, SimulationTest.seeds());

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {3, 5})
    void stallsUntilForcedThenFormsANewClusterFromTheSurvivingLog(int size) {
        for (long seed = 1; seed <= SEEDS; seed++) {
            try {
                run(seed, size);
            } catch (SimulationViolation v) {
                throw new AssertionError("seed " + seed + ", " + size + " members: " + v.getMessage(), v);
            }
        }
    }

    private static void run(long seed, int size) {
        Simulation sim = new Simulation(seed, size, new int[0], Timings.DEFAULTS);
        for (SimNode n : sim.nodes) n.clockRate = 0.99 + sim.rnd.nextDouble() * 0.02;
        for (SimNode n : sim.nodes) sim.start(n.id);
        sim.clientLoad(500 * MS, 30 * SECOND, 20 * MS);
        sim.runUntil(3 * SECOND);
        // Everything stops (a power loss, say) and the highest ids come back with empty disks; node 1, the
        // leader until then, keeps the longest log. (While a leader runs, wiped followers just catch up from it.)
        int lost = size / 2 + 1;
        for (SimNode n : sim.nodes) sim.crash(n.id);
        for (int id = size - lost + 1; id <= size; id++) sim.wipeDisk(id);
        for (SimNode n : sim.nodes) sim.start(n.id);
        long committedAtLoss = sim.checker.maxCommitted;
        assertThat(committedAtLoss).as("seed %d: entries committed before the loss", seed).isPositive();
        sim.runUntil(10 * SECOND);
        assertThat(sim.actingLeader()).as("seed %d: a leader without a majority of intact disks", seed).isNull();
        assertThat(sim.checker.maxCommitted).as("seed %d: commits while stalled", seed).isEqualTo(committedAtLoss);

        sim.crash(1);
        sim.forceNewCluster(1);
        sim.start(1);
        long forcedAt = sim.now;
        while (sim.actingLeader() == null || sim.actingLeader().id != 1) {
            if (sim.now - forcedAt > 5 * SECOND) sim.fail("the forced node does not lead 5 s after its start");
            sim.runUntil(sim.now + 10 * MS);
        }
        sim.runUntil(sim.now + 2 * SECOND);
        long committed = sim.checker.maxCommitted; // the client keeps appending: followers get it within a second
        sim.runUntil(sim.now + SECOND);
        for (SimNode n : sim.nodes) {
            assertThat(n.disk.recovery()).as("seed %d: n%d's recovery state once a majority caught up", seed, n.id)
                    .isEqualTo(RecoveryState.NONE);
            assertThat(n.appliedIndex).as("seed %d: n%d delivered", seed, n.id).isGreaterThanOrEqualTo(committed);
        }
        assertThat(sim.checker.maxCommitted).as("seed %d: progress after forcing", seed).isGreaterThan(committedAtLoss);

        // The ordinary majority rule is back: without node 1, the others elect a leader and keep committing.
        sim.crash(1);
        long killedAt = sim.now;
        while (sim.actingLeader() == null) {
            if (sim.now - killedAt > 8 * SECOND) sim.fail("no leader 8 s after the forced leader died");
            sim.runUntil(sim.now + 10 * MS);
        }
        long before = sim.checker.maxCommitted;
        sim.runUntil(sim.now + 2 * SECOND);
        assertThat(sim.checker.maxCommitted).as("seed %d: commits under the new leader", seed).isGreaterThan(before);
    }
}
