package dev.baton.agent.config;

import java.util.Locale;

/** What a service answers when no instance is healthy. */
public enum WhenNoneHealthy {
    /** Keep answering the last published instance. */
    KEEP_LAST,
    /** Answer with no records (NODATA). */
    NO_ANSWER;

    /** The spelling used in the config file, e.g. {@code keep_last}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
