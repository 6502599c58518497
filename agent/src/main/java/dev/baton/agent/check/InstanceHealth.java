package dev.baton.agent.check;

/** What this node currently believes about one instance, after the rise/fall thresholds. */
public enum InstanceHealth {
    /** {@code rise} consecutive checks have passed since the instance was last down or unknown. */
    UP,
    /** {@code fall} consecutive checks have failed since the instance was last up or unknown. */
    DOWN,
    /** Neither threshold has been reached yet since checking began; in a verdict: no basis to change anything. */
    UNKNOWN;

    /** The lower-case spelling used in JSON and in reasons, e.g. {@code down}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses {@link #wireName()}.
     *
     * @throws IllegalArgumentException naming the text when it is not {@code up}, {@code down} or {@code unknown}
     */
    public static InstanceHealth fromWireName(String text) {
        for (InstanceHealth h : values()) {
            if (h.wireName().equals(text)) return h;
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a health; expected up, down or unknown");
    }
}
