package dev.baton.agent.config;

import java.util.Locale;

/** How a service chooses its published instance. */
public enum SelectionPolicy {
    /** The healthy instance with the lowest priority number wins. */
    FAILOVER,
    /** The current instance stays while it is healthy; on failure the best healthy one takes over. */
    STICKY;

    /** The spelling used in the config file, e.g. {@code keep_last}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
