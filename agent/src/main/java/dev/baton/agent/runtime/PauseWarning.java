package dev.baton.agent.runtime;

import java.util.Optional;

/**
 * Tells the operator, in the log, that this process stalls for a large share of the follower timeout: a GC
 * pause, CPU starvation (steal, a noisy neighbour), swapping. A leader stalled past its lease stops answering
 * and its followers elect another; a follower stalled that long misses heartbeats. Such stalls are the usual
 * cause of spurious elections at tuned (short) timings, and nothing else in the log would name them.
 *
 * <p>A pure function of the observed pauses and the clock passed in. Rate-limited: the first pause at or
 * above {@link #THRESHOLD_SHARE} of the follower timeout is reported at once, later ones at most once per
 * {@link #REPEAT_MILLIS}, with how many there were and the longest. Not thread-safe (one watcher thread).
 */
final class PauseWarning {
    /** Warn from half the follower timeout: by then a leader's lease (shorter still) is nearly spent. */
    static final double THRESHOLD_SHARE = 0.5;
    static final long REPEAT_MILLIS = 60_000;

    private final long followerTimeoutMillis;
    private final long thresholdMillis;
    private long lastWarned = -1;
    private int pending;
    private long longestPending;

    PauseWarning(long followerTimeoutMillis) {
        if (followerTimeoutMillis <= 0) throw new IllegalArgumentException("follower timeout must be positive");
        this.followerTimeoutMillis = followerTimeoutMillis;
        this.thresholdMillis = Math.max(1, (long) (followerTimeoutMillis * THRESHOLD_SHARE));
    }

    /** Pauses at least this long are reported. */
    long thresholdMillis() {
        return thresholdMillis;
    }

    /**
     * Records one observation and returns the warning to log now, if one is due.
     *
     * @param pauseMillis how much longer than asked the watcher's last sleep took (0 when on time)
     * @param nowMillis   a monotonic clock
     */
    Optional<String> observe(long pauseMillis, long nowMillis) {
        if (pauseMillis >= thresholdMillis) {
            pending++;
            longestPending = Math.max(longestPending, pauseMillis);
        }
        if (pending == 0 || (lastWarned >= 0 && nowMillis - lastWarned < REPEAT_MILLIS)) return Optional.empty();
        String text = (pending == 1 ? "this process stalled for " + longestPending + " ms"
                : "this process stalled " + pending + " times" + (lastWarned >= 0 ? " since the last warning" : "")
                        + ", the longest for " + longestPending + " ms")
                + ", at least half the follower timeout (" + followerTimeoutMillis + " ms): a leader stalled that long"
                + " loses its lease and the others elect a new one. Look for GC pauses (-Xlog:gc), CPU starvation or"
                + " steal, or swapping; or raise cluster.timings.follower_timeout.";
        lastWarned = nowMillis;
        pending = 0;
        longestPending = 0;
        return Optional.of(text);
    }
}
