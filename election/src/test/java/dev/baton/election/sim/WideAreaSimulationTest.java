package dev.baton.election.sim;

import dev.baton.election.Timings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wide-area links in virtual time ({@link WideArea}): TCP-like links with loss turned into retransmission stalls.
 * The figures per round-trip step are in docs/BENCHMARKS.md ({@link WideAreaBench}).
 */
class WideAreaSimulationTest {
    private static final int SEEDS = 20;
    private static final long RTT_MILLIS = 400;
    private static final double LOSS = 0.05;

    /**
     * At a 400 ms round trip a candidate that gives up after the configured 300 ms never hears its promises:
     * before the retry adapted to the measured round trip, a killed leader was followed by up to 27 terms and
     * some runs found no leader within 15 s, even with the follower timeout the rule asks for.
     */
    @Test
    void aKilledLeaderIsReplacedWithinAFewTermsAtFourHundredMillisecondsRoundTrip() {
        Timings timings = WideArea.ruleTimings(RTT_MILLIS);
        for (long seed = 1; seed <= SEEDS; seed++) {
            WideArea.Result r = WideArea.run(seed, RTT_MILLIS, LOSS, timings);
            assertThat(r.steadyGapNanos()).as("seed %d: leaderless time before the kill", seed).isZero();
            assertThat(r.recoveryNanos()).as("seed %d: a new leader after the kill", seed).isPositive();
            assertThat(r.killTermRise()).as("seed %d: terms started to replace the leader", seed).isLessThanOrEqualTo(3);
        }
    }

    /** What cannot adapt (the follower timeout, shared by every member) is reported with the value to set. */
    @Test
    void aNodeReportsLinksTooSlowForTheDefaultFollowerTimeoutWithTheValueToSet() {
        WideArea.Result r = WideArea.run(1, RTT_MILLIS, LOSS, Timings.DEFAULTS);
        assertThat(r.warnedTooSlow()).as("too slow reported").isTrue();
        WideArea.Result fine = WideArea.run(1, 50, LOSS, Timings.DEFAULTS);
        assertThat(fine.warnedTooSlow()).as("too slow reported at 50 ms").isFalse();
    }
}
