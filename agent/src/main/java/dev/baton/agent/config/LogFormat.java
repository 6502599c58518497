package dev.baton.agent.config;

import java.util.Locale;

/** How the agent writes its log lines to standard error ({@code logging.format}). */
public enum LogFormat {
    /** One human-readable line per event: time, level, thread, logger, message. */
    TEXT,
    /** One JSON object per line (logback's {@code JsonEncoder}), for log shippers. */
    JSON;

    public static final LogFormat DEFAULT = TEXT;

    /** The spelling used in the config file, e.g. {@code json}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
