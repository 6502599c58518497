package dev.baton.election.sim;

import dev.baton.election.Timings;

/** Replays one seed and prints each node's status every 500 ms of virtual time: for debugging. */
final class DebugRun {
    public static void main(String[] args) {
        Scenario scenario = Scenario.valueOf(args[0]);
        long seed = Long.parseLong(args[1]);
        Simulation sim = scenario.setUp(seed, Timings.DEFAULTS);
        long end = Long.parseLong(args.length > 2 ? args[2] : "20000") * Simulation.MS;
        for (long t = 0; t < end; t += 500 * Simulation.MS) {
            sim.runUntil(t);
            if (t == scenario.faultsEnd()) sim.healAll();
            StringBuilder sb = new StringBuilder(String.format("%6d ms", t / Simulation.MS));
            for (SimNode n : sim.nodes) {
                if (!n.up) {
                    sb.append(" | n").append(n.id).append(" down");
                    continue;
                }
                var s = n.core.status(n.local(sim.now));
                sb.append(String.format(" | n%d%s %s t%d L%d c%d lease%d maj%d", n.id, n.paused ? "(p)" : "", s.role(),
                        s.term(), s.leaderId(), s.commitIndex(), s.leaseRemainingNanos() / 1_000_000,
                        s.majorityContactAgoNanos() / 1_000_000));
            }
            System.out.println(sb);
        }
    }
}
