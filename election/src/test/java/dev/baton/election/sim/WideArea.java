package dev.baton.election.sim;

import dev.baton.election.Timings;

/**
 * One wide-area run in the simulator: three nodes on TCP-like links ({@link Simulation#inOrderLinks}) with a
 * one-way delay of {@code rtt/2 ± 25 %} and {@code loss} of messages turned into retransmission stalls
 * (200 ms plus the round trip, Linux's minimum RTO). The cluster runs {@link #STEADY_NANOS} undisturbed, then
 * its leader is killed. Virtual time throughout; same seed, same run.
 */
final class WideArea {
    static final long STEADY_NANOS = 30 * Simulation.SECOND;
    static final long AFTER_KILL_NANOS = 15 * Simulation.SECOND;
    private static final long PROBE_NANOS = 10 * Simulation.MS;

    /**
     * @param firstLeaderNanos   when a leader first acted (from start)
     * @param steadyGapNanos     time without an acting leader between the first leader and the kill
     * @param steadyTermRise     terms started between the first leader and the kill
     * @param recoveryNanos      from the kill to the next acting leader ({@code -1}: none within the run)
     * @param killTermRise       terms started from the kill to that leader
     * @param warnedTooSlow      whether the last report of any node said its peers are too slow for the follower timeout
     */
    record Result(long firstLeaderNanos, long steadyGapNanos, long steadyTermRise, long recoveryNanos,
                  long killTermRise, boolean warnedTooSlow) {
    }

    /**
     * The default timings with the follower timeout the wide-area rule asks for (CONFIGURATION.md: at least
     * {@code 4 x RTT + 400 ms}, in 100 ms steps), RTT as a node measures it: the lowest recent ping, which on
     * an in-order link with jitter is close to twice the highest one-way delay ({@code rtt × 5/4} here).
     */
    static Timings ruleTimings(long rttMillis) {
        long measured = rttMillis * 5 / 4;
        long ft = Math.max(Timings.DEFAULT_FOLLOWER_TIMEOUT_MILLIS, (4 * measured + 400 + 99) / 100 * 100);
        return new Timings(Timings.DEFAULT_TICK_MILLIS, Timings.DEFAULT_HEARTBEAT_MILLIS, ft,
                Timings.DEFAULT_DRIFT_MARGIN, Timings.DEFAULT_CANDIDATE_RETRY_MILLIS, Timings.DEFAULT_HOLD_DOWN_MILLIS);
    }

    static Result run(long seed, long rttMillis, double loss, Timings timings) {
        Simulation sim = new Simulation(seed, 3, new int[0], timings);
        long oneWay = rttMillis * Simulation.MS / 2;
        sim.minLatency = oneWay * 3 / 4;
        sim.maxLatency = oneWay * 5 / 4;
        sim.inOrderLinks = true;
        sim.stallRate = loss;
        sim.stallNanos = 200 * Simulation.MS + rttMillis * Simulation.MS;
        for (SimNode n : sim.nodes) sim.start(n.id);
        long[] firstLeader = {-1};
        long[] gap = {0};
        long[] termAtFirst = {0};
        long[] recovered = {-1};
        long[] termAtRecovery = {-1};
        for (long t = 0; t < STEADY_NANOS + AFTER_KILL_NANOS; t += PROBE_NANOS) {
            long at = t;
            sim.at(t, () -> {
                boolean leading = sim.actingLeader() != null;
                if (at < STEADY_NANOS) {
                    if (leading && firstLeader[0] < 0) {
                        firstLeader[0] = at;
                        termAtFirst[0] = maxTerm(sim);
                    } else if (!leading && firstLeader[0] >= 0) {
                        gap[0] += PROBE_NANOS;
                    }
                } else if (leading && recovered[0] < 0 && at > STEADY_NANOS) {
                    recovered[0] = at - STEADY_NANOS;
                    termAtRecovery[0] = maxTerm(sim);
                }
            });
        }
        sim.runUntil(STEADY_NANOS - 1);
        long termBeforeKill = maxTerm(sim);
        SimNode leader = sim.actingLeader();
        if (leader != null) sim.crash(leader.id);
        sim.runUntil(STEADY_NANOS + AFTER_KILL_NANOS);
        // Whether the last report (the state reached) says too slow: a first estimate may flip once and back.
        boolean warned = !sim.slowPeerReports.isEmpty() && sim.slowPeerReports.get(sim.slowPeerReports.size() - 1).tooSlow();
        return new Result(firstLeader[0], gap[0], termBeforeKill - termAtFirst[0], recovered[0],
                termAtRecovery[0] < 0 ? -1 : termAtRecovery[0] - termBeforeKill, warned);
    }

    private static long maxTerm(Simulation sim) {
        long max = 0;
        for (SimNode n : sim.nodes) if (n.up) max = Math.max(max, n.core.term());
        return max;
    }
}
