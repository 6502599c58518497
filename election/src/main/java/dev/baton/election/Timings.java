package dev.baton.election;

/**
 * Protocol timings, libab's by default (50 ms tick, 100 ms heartbeats, followers suspect the leader after
 * 1000 ms). The follower timeout is also the promise a follower gives: after acknowledging a leader it will
 * not acknowledge another for that long on its own clock. The leader's lease is derived from it, shortened
 * by the clock-drift margin, so it always ends before any follower's promise (see {@link #leaderLeaseNanos()}).
 *
 * @param tickMillis             how often the driver ticks the state machine
 * @param heartbeatMillis        leader heartbeats and failure-detector pings
 * @param followerTimeoutMillis  silence after which a follower suspects the leader; the promise length
 * @param driftMargin            the largest relative clock-rate error between any two nodes' clocks
 *                               that the lease tolerates (at least 0.01)
 * @param candidateRetryMillis   a candidate that has not won by then retries with a new term (plus jitter)
 * @param holdDownMillis         a lower id must have been continuously reachable this long before the leader
 *                               hands leadership to it, so a flapping node does not cause repeated elections
 */
public record Timings(long tickMillis, long heartbeatMillis, long followerTimeoutMillis, double driftMargin,
                      long candidateRetryMillis, long holdDownMillis) {

    public static final long DEFAULT_TICK_MILLIS = 10;
    public static final long DEFAULT_HEARTBEAT_MILLIS = 100;
    public static final long DEFAULT_FOLLOWER_TIMEOUT_MILLIS = 1000;
    public static final double DEFAULT_DRIFT_MARGIN = 0.01;
    public static final long DEFAULT_CANDIDATE_RETRY_MILLIS = 300;
    public static final long DEFAULT_HOLD_DOWN_MILLIS = 3000;

    public static final Timings DEFAULTS = new Timings(DEFAULT_TICK_MILLIS, DEFAULT_HEARTBEAT_MILLIS,
            DEFAULT_FOLLOWER_TIMEOUT_MILLIS, DEFAULT_DRIFT_MARGIN, DEFAULT_CANDIDATE_RETRY_MILLIS,
            DEFAULT_HOLD_DOWN_MILLIS);

    public Timings {
        if (tickMillis < 1) throw new IllegalArgumentException("tickMillis must be at least 1");
        if (heartbeatMillis < tickMillis) throw new IllegalArgumentException("heartbeatMillis must be >= tickMillis");
        if (followerTimeoutMillis < 3 * heartbeatMillis)
            throw new IllegalArgumentException("followerTimeoutMillis must be at least 3 heartbeats");
        if (!(driftMargin >= 0.01 && driftMargin < 0.2))
            throw new IllegalArgumentException("driftMargin must be in [0.01, 0.2): " + driftMargin);
        if (candidateRetryMillis < tickMillis) throw new IllegalArgumentException("candidateRetryMillis must be >= tickMillis");
        // A candidate abandons its term (after at most 1.5 retries) before a restarted node, which has
        // forgotten nothing but may have lost its disk, grants anything (one promise period after start).
        if (candidateRetryMillis * 3 > followerTimeoutMillis * 2)
            throw new IllegalArgumentException("candidateRetryMillis must be at most 2/3 of followerTimeoutMillis");
        if (holdDownMillis < 0) throw new IllegalArgumentException("holdDownMillis must be >= 0");
    }

    public long tickNanos() {
        return tickMillis * 1_000_000L;
    }

    public long heartbeatNanos() {
        return heartbeatMillis * 1_000_000L;
    }

    /** How long a follower's promise lasts on its own clock. */
    public long promiseNanos() {
        return followerTimeoutMillis * 1_000_000L;
    }

    /**
     * How long a leader's lease lasts on its own clock, counted from the send time of a heartbeat a majority
     * acknowledged. A follower's promise lasts at least {@code promise / (1 + drift)} of real time from its
     * acknowledgement (later than the send); the leader's lease lasts at most {@code lease / (1 - drift)} of
     * real time. So {@code lease = promise * (1 - drift) / (1 + drift)}, less one tick for rounding.
     */
    public long leaderLeaseNanos() {
        return (long) (promiseNanos() * (1 - driftMargin) / (1 + driftMargin)) - tickNanos();
    }

    public long candidateRetryNanos() {
        return candidateRetryMillis * 1_000_000L;
    }

    public long holdDownNanos() {
        return holdDownMillis * 1_000_000L;
    }

    /**
     * The timings every member must share for the lease to be safe: a leader's lease is derived from its own
     * follower timeout and drift margin, and holds only if no follower's promise is shorter. The transport binds
     * this text into every frame's MAC (see {@link ElectionNode#transportConfig}), so a member configured with
     * other values cannot talk to the cluster at all (its frames fail with BAD_MAC) rather than vote unsafely.
     * The other timings only pace this node and may differ between members.
     */
    public String sharedIdentity() {
        return "follower_timeout=" + followerTimeoutMillis + "ms,drift=" + driftMargin;
    }
}
