package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
    private static final long MS = 1_000_000L;

    @Test
    void capDoublesFromTheInitialValueUpToTheMaximumThenResets() {
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(2),
                new SplittableRandom(7));
        long[] caps = new long[9];
        for (int i = 0; i < caps.length; i++) {
            caps[i] = backoff.currentCapNanos();
            assertThat(backoff.nextDelayNanos()).isBetween(0L, caps[i]);
        }
        assertThat(caps).containsExactly(50 * MS, 100 * MS, 200 * MS, 400 * MS, 800 * MS, 1600 * MS, 2000 * MS,
                2000 * MS, 2000 * MS);
        backoff.reset();
        assertThat(backoff.currentCapNanos()).isEqualTo(50 * MS);
    }

    @Test
    void fullJitterSpreadsDelaysOverTheWholeRange() {
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(50),
                new SplittableRandom(11));
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1000; i++) {
            long delay = backoff.nextDelayNanos();
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        assertThat(min).isLessThan(5 * MS);
        assertThat(max).isGreaterThan(45 * MS).isLessThanOrEqualTo(50 * MS);
    }

    @Test
    void hugeAttemptCountsDoNotOverflow() {
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofNanos(1), Duration.ofDays(365),
                new SplittableRandom(3));
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.nextDelayNanos()).isNotNegative();
        }
        assertThat(backoff.currentCapNanos()).isEqualTo(Duration.ofDays(365).toNanos());
    }
}
