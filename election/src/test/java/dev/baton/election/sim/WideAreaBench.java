package dev.baton.election.sim;

import dev.baton.election.Timings;

import java.util.Arrays;

/**
 * Prints, per round-trip step, what {@link WideArea} measures over seeds at the default timings (virtual time,
 * so the figures are the protocol's, not this machine's):
 * {@code mvn -q -pl election test-compile exec:java} is not wired; run it with
 * {@code java -cp election/target/classes:election/target/test-classes dev.baton.election.sim.WideAreaBench [seeds]}.
 */
public final class WideAreaBench {
    private WideAreaBench() {
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        table("default timings", seeds, rtt -> Timings.DEFAULTS);
        table("follower_timeout per the rule", seeds, WideArea::ruleTimings);
    }

    private static void table(String title, int seeds, java.util.function.LongFunction<Timings> timings) {
        double loss = 0.05;
        System.out.printf("%n%s, %d seeds per step, one-way rtt/2 ± 25 %%, %.0f %% loss as TCP stalls%n",
                title, seeds, loss * 100);
        System.out.println("| RTT | follower_timeout | first leader p50 | steady leaderless total p50 / max | steady terms p50 / max"
                + " | kill → leader p50 / max | terms per kill p50 / max | warned |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (long rtt : new long[] {50, 100, 200, 250, 400}) {
            long[] first = new long[seeds], gap = new long[seeds], terms = new long[seeds], rec = new long[seeds],
                    killTerms = new long[seeds];
            int warned = 0;
            for (int s = 0; s < seeds; s++) {
                WideArea.Result r = WideArea.run(s + 1, rtt, loss, timings.apply(rtt));
                first[s] = r.firstLeaderNanos();
                gap[s] = r.steadyGapNanos();
                terms[s] = r.steadyTermRise();
                rec[s] = r.recoveryNanos() < 0 ? Long.MAX_VALUE : r.recoveryNanos();
                killTerms[s] = r.killTermRise();
                if (r.warnedTooSlow()) warned++;
            }
            System.out.printf("| %d ms | %d ms | %s | %s / %s | %d / %d | %s / %s | %d / %d | %d/%d |%n", rtt,
                    timings.apply(rtt).followerTimeoutMillis(),
                    ms(median(first)), ms(median(gap)), ms(max(gap)), median(terms), max(terms), ms(median(rec)),
                    ms(max(rec)), median(killTerms), max(killTerms), warned, seeds);
        }
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static long max(long[] values) {
        return Arrays.stream(values).max().orElse(0);
    }

    private static String ms(long nanos) {
        return nanos == Long.MAX_VALUE ? "none" : String.format("%.2f s", nanos / 1e9);
    }
}
