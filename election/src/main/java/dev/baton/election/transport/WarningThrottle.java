package dev.baton.election.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * At most one warning per source (a peer's address) per period, with a count of what was held back: a port
 * scanner or a misconfigured node retrying every few milliseconds must not fill the disk with identical lines.
 * Remembers at most {@code maxSources} sources, forgetting the least recently seen first (memory stays bounded
 * whatever the number of scanners; a forgotten source's next warning is simply logged).
 *
 * <p>Pure: time is passed in. Thread-safe (one lock; called only on failures, never on the hot path).
 */
final class WarningThrottle {
    /** One line per peer address per minute. */
    static final long DEFAULT_PERIOD_NANOS = 60_000_000_000L;
    static final int DEFAULT_MAX_SOURCES = 1024;

    private final long periodNanos;
    private final Map<String, Window> windows;

    WarningThrottle(long periodNanos, int maxSources) {
        if (periodNanos <= 0) throw new IllegalArgumentException("period must be positive");
        if (maxSources < 1) throw new IllegalArgumentException("maxSources must be at least 1");
        this.periodNanos = periodNanos;
        this.windows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxSources;
            }
        };
    }

    WarningThrottle() {
        this(DEFAULT_PERIOD_NANOS, DEFAULT_MAX_SOURCES);
    }

    /**
     * Records one warning from {@code source} at {@code nowNanos} (a monotonic clock).
     *
     * @return empty when the line must be held back; otherwise the number of warnings from this source held back
     *         since its last logged line (0 for the first)
     */
    synchronized OptionalLong admit(String source, long nowNanos) {
        Objects.requireNonNull(source, "source");
        Window w = windows.get(source);
        if (w == null) {
            windows.put(source, new Window(nowNanos));
            return OptionalLong.of(0);
        }
        if (nowNanos - w.loggedAtNanos >= periodNanos) {
            long held = w.held;
            w.loggedAtNanos = nowNanos;
            w.held = 0;
            return OptionalLong.of(held);
        }
        w.held++;
        return OptionalLong.empty();
    }

    /** The suffix for a logged line: nothing, or how many like it were held back. */
    String suffix(long held) {
        return held == 0 ? "" : " (" + held + " more from this address in the last "
                + periodNanos / 1_000_000_000L + " s not logged)";
    }

    private static final class Window {
        long loggedAtNanos;
        long held;

        Window(long loggedAtNanos) {
            this.loggedAtNanos = loggedAtNanos;
        }
    }
}
