package dev.baton.agent.check;

/** What this node currently believes about one instance, after the rise/fall thresholds. */
public enum InstanceHealth {
    /** {@code rise} consecutive checks have passed since the instance was last down or unknown. */
    UP,
    /** {@code fall} consecutive checks have failed since the instance was last up or unknown. */
    DOWN,
    /** Neither threshold has been reached yet since checking began. */
    UNKNOWN
}
