package dev.baton.agent.verdict;

import java.util.Locale;

/**
 * The health of one instance, as one node's checks see it or as the cluster's verdict decides it.
 * {@link #UNKNOWN} means "no basis to change anything": a node that has not finished its first rise/fall
 * window, a missing observation, or observations that do not reach the vantage's threshold.
 */
public enum Health {
    UP,
    DOWN,
    UNKNOWN;

    /** The lower-case spelling used in JSON and in reasons, e.g. {@code down}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@link #wireName()}.
     *
     * @throws IllegalArgumentException naming the text when it is not {@code up}, {@code down} or {@code unknown}
     */
    public static Health fromWireName(String text) {
        for (Health h : values()) {
            if (h.wireName().equals(text)) return h;
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a health; expected up, down or unknown");
    }
}
