package dev.baton.agent.config;

import java.util.Locale;

/** What the embedded DNS server answers while its node is cut off from the cluster's majority. */
public enum WhenIsolated {
    /** SERVFAIL, so resolvers ask another node. */
    SERVFAIL,
    /** The last committed answer. */
    SERVE_LAST;

    /** The spelling used in the config file, e.g. {@code keep_last}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
