package dev.baton.agent.config;

import java.util.Objects;

/**
 * One problem found in a config file: where it is ({@code services[0].check.interval}) and what is wrong.
 * Messages never contain secret material.
 */
public record ConfigError(String path, String message) {
    public ConfigError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code path: message}, or only the message for problems with the whole file (empty path). */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
