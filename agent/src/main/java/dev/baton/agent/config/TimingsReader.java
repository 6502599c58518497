package dev.baton.agent.config;

import dev.baton.election.Timings;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads {@code cluster.timings}: the election's heartbeat, follower timeout, candidate retry and hold-down.
 * Every key is optional (libab-like defaults); the rules are {@link Timings}'s, reported against the key.
 */
final class TimingsReader {
    static final Duration TICK = Duration.ofMillis(Timings.DEFAULT_TICK_MILLIS);
    static final Duration MAX_FOLLOWER_TIMEOUT = Duration.ofMinutes(1);

    private TimingsReader() {
    }

    static Optional<Timings> read(ConfigNode timings) {
        if (!timings.isPresent()) return Optional.of(Timings.DEFAULTS);
        if (timings.requireMap().isEmpty()) return Optional.empty();
        timings.allowOnly("heartbeat", "follower_timeout", "candidate_retry", "hold_down");

        ConfigNode heartbeatNode = timings.get("heartbeat");
        Optional<Duration> heartbeat = duration(heartbeatNode, Timings.DEFAULT_HEARTBEAT_MILLIS).filter(h ->
                atLeast(heartbeatNode, h, TICK, Durations.format(TICK) + " (the election's tick)"));

        ConfigNode timeoutNode = timings.get("follower_timeout");
        Optional<Duration> followerTimeout = duration(timeoutNode, Timings.DEFAULT_FOLLOWER_TIMEOUT_MILLIS).filter(t -> {
            if (t.compareTo(MAX_FOLLOWER_TIMEOUT) > 0) {
                timeoutNode.error(describe(timeoutNode, t) + " must be at most " + Durations.format(MAX_FOLLOWER_TIMEOUT));
                return false;
            }
            return heartbeat.isEmpty() || atLeast(timeoutNode, t, heartbeat.get().multipliedBy(3),
                    "3 heartbeats (" + Durations.format(heartbeat.get().multipliedBy(3)) + ")");
        });

        ConfigNode retryNode = timings.get("candidate_retry");
        Optional<Duration> candidateRetry = duration(retryNode, Timings.DEFAULT_CANDIDATE_RETRY_MILLIS).filter(r -> {
            if (!atLeast(retryNode, r, TICK, Durations.format(TICK) + " (the election's tick)")) return false;
            // A candidate must give up its term before a restarted member grants anything (Timings explains).
            if (followerTimeout.isPresent() && r.multipliedBy(3).compareTo(followerTimeout.get().multipliedBy(2)) > 0) {
                retryNode.error(describe(retryNode, r) + " must be at most 2/3 of follower_timeout ("
                        + Durations.format(Duration.ofMillis(followerTimeout.get().toMillis() * 2 / 3)) + ")");
                return false;
            }
            return true;
        });

        Optional<Duration> holdDown = duration(timings.get("hold_down"), Timings.DEFAULT_HOLD_DOWN_MILLIS);

        if (heartbeat.isEmpty() || followerTimeout.isEmpty() || candidateRetry.isEmpty() || holdDown.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Timings(Timings.DEFAULT_TICK_MILLIS, heartbeat.get().toMillis(),
                followerTimeout.get().toMillis(), Timings.DEFAULT_DRIFT_MARGIN, candidateRetry.get().toMillis(),
                holdDown.get().toMillis()));
    }

    private static Optional<Duration> duration(ConfigNode node, long defaultMillis) {
        return node.isPresent() ? node.asDuration() : Optional.of(Duration.ofMillis(defaultMillis));
    }

    /** The value as written, or, for a key left out, its default: a rule can fail on a default the user never wrote. */
    private static String describe(ConfigNode node, Duration value) {
        return node.isPresent() ? node.describe() : "the default " + Durations.format(value);
    }

    private static boolean atLeast(ConfigNode node, Duration value, Duration min, String what) {
        if (value.compareTo(min) >= 0) return true;
        node.error(describe(node, value) + " must be at least " + what);
        return false;
    }
}
