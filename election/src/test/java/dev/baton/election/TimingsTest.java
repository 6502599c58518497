package dev.baton.election;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each rule of {@link Timings} at its boundary: the last accepted value and the first refused one. */
class TimingsTest {

    private static Timings of(long tick, long heartbeat, long follower, double drift, long retry, long holdDown) {
        return new Timings(tick, heartbeat, follower, drift, retry, holdDown);
    }

    private static void refused(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void tickIsAtLeastOneMillisecond() {
        assertThat(of(1, 1, 3, 0.01, 1, 0).tickNanos()).isEqualTo(1_000_000);
        refused(() -> of(0, 1, 3, 0.01, 1, 0), "tickMillis must be at least 1");
    }

    @Test
    void heartbeatIsAtLeastATick() {
        assertThat(of(10, 10, 30, 0.01, 10, 0).heartbeatNanos()).isEqualTo(10_000_000);
        refused(() -> of(10, 9, 30, 0.01, 10, 0), "heartbeatMillis must be >= tickMillis");
    }

    @Test
    void followerTimeoutIsAtLeastThreeHeartbeats() {
        assertThat(of(10, 100, 300, 0.01, 200, 0).promiseNanos()).isEqualTo(300_000_000);
        refused(() -> of(10, 100, 299, 0.01, 100, 0), "at least 3 heartbeats");
    }

    @Test
    void driftMarginIsInItsRange() {
        of(10, 100, 1000, 0.01, 300, 0);
        of(10, 100, 1000, 0.1999, 300, 0);
        refused(() -> of(10, 100, 1000, 0.0099, 300, 0), "driftMargin must be in [0.01, 0.2)");
        refused(() -> of(10, 100, 1000, 0.2, 300, 0), "driftMargin must be in [0.01, 0.2)");
        refused(() -> of(10, 100, 1000, Double.NaN, 300, 0), "driftMargin");
    }

    @Test
    void candidateRetryIsAtLeastATickAndAtMostTwoThirdsOfTheFollowerTimeout() {
        assertThat(of(10, 100, 900, 0.01, 600, 0).candidateRetryNanos()).isEqualTo(600_000_000);
        assertThat(of(10, 100, 900, 0.01, 10, 0).candidateRetryNanos()).isEqualTo(10_000_000);
        refused(() -> of(10, 100, 900, 0.01, 601, 0), "at most 2/3 of followerTimeoutMillis");
        refused(() -> of(10, 100, 900, 0.01, 9, 0), "candidateRetryMillis must be >= tickMillis");
    }

    @Test
    void holdDownIsNotNegative() {
        assertThat(of(10, 100, 1000, 0.01, 300, 0).holdDownNanos()).isZero();
        assertThat(of(10, 100, 1000, 0.01, 300, 3).holdDownNanos()).isEqualTo(3_000_000);
        refused(() -> of(10, 100, 1000, 0.01, 300, -1), "holdDownMillis must be >= 0");
    }

    /** lease = promise * (1 - drift) / (1 + drift) - tick: 1000 ms * 0.99 / 1.01 - 10 ms = 970.198... ms. */
    @Test
    void leaseEndsBeforeAnyPromiseUnderTheDriftMargin() {
        Timings t = Timings.DEFAULTS;
        assertThat(t.leaderLeaseNanos()).isEqualTo((long) (1e9 * 0.99 / 1.01) - 10_000_000);
        assertThat(of(10, 100, 1000, 0.05, 300, 0).leaderLeaseNanos()).isEqualTo((long) (1e9 * 0.95 / 1.05) - 10_000_000);
        // The real time the lease may last on the fastest clock stays below the promise on the slowest one.
        assertThat(t.leaderLeaseNanos() / (1 - t.driftMargin())).isLessThan(t.promiseNanos() / (1 + t.driftMargin()));
    }

    @Test
    void sharedIdentityNamesTheTimingsTheLeaseDependsOn() {
        assertThat(Timings.DEFAULTS.sharedIdentity()).isEqualTo("follower_timeout=1000ms,drift=0.01");
    }
}
