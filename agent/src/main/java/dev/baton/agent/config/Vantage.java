package dev.baton.agent.config;

import java.util.Locale;

/** Whose health observations decide that an instance is up or down. */
public enum Vantage {
    /** A majority of the cluster's nodes must agree. */
    QUORUM,
    /** The leader's own checks alone. */
    LEADER,
    /** Up when any node sees it up. */
    ANY,
    /** Up only when every node sees it up. */
    ALL;

    /** The spelling used in the config file, e.g. {@code keep_last}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
