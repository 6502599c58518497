package dev.baton.agent.publish;

import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with equal jitter for failed publications: the n-th delay is uniform in
 * [cap/2, cap] with cap = min(max, initial * 2^n). Half of the delay is kept so a provider's rate limit is not
 * hit again at once; the random half spreads retries of many publishers that failed together.
 */
final class RetryBackoff {
    static final long INITIAL_MILLIS = 500;
    static final long MAX_MILLIS = 30_000;
    /** A configuration error (401, NOTAUTH) will not fix itself soon: retried, but slowly. */
    static final long CONFIGURATION_MILLIS = 60_000;

    private RetryBackoff() {
    }

    /** The delay before attempt {@code failures + 1}, after {@code failures} (at least 1) consecutive failures. */
    static long delayMillis(int failures, RandomGenerator random) {
        int doublings = Math.min(Math.max(failures - 1, 0), 20);
        long cap = Math.min(MAX_MILLIS, INITIAL_MILLIS << doublings);
        return cap / 2 + random.nextLong(cap / 2 + 1);
    }
}
