package dev.baton.agent.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config file that cannot be used; carries every problem found, not only the first. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) throw new IllegalArgumentException("a ConfigException needs at least one error");
        this.errors = List.copyOf(errors);
    }

    /** The problems, in the order they were found; never empty. */
    public List<ConfigError> errors() {
        return errors;
    }
}
