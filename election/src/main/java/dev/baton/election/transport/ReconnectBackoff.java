package dev.baton.election.transport;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with full jitter: the n-th delay is uniform in [0, min(max, initial * 2^n)].
 * Full jitter spreads the redials of members that lost each other at the same moment, so they do not dial in
 * lock-step (the simultaneous dials that cost libab 3 s). Not thread-safe: one per dialing thread.
 */
final class ReconnectBackoff {
    private final long initialNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private int attempt;

    ReconnectBackoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The cap of the current attempt's delay, without consuming the attempt. */
    long currentCapNanos() {
        // initial << attempt, saturating at max without overflowing.
        if (attempt >= 62 || initialNanos > (maxNanos >> attempt)) {
            return maxNanos;
        }
        return Math.min(maxNanos, initialNanos << attempt);
    }

    /** Delay before the next dial; each call doubles the cap until it reaches the maximum. */
    long nextDelayNanos() {
        long cap = currentCapNanos();
        if (cap < maxNanos) {
            attempt++;
        }
        return random.nextLong(cap + 1);
    }

    /** Back to the initial cap, after a connection that proved stable. */
    void reset() {
        attempt = 0;
    }
}
