package dev.baton.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects errors (and warnings) while a config is read, so the operator sees all of them at once. Identical errors are kept
 * once: a service-level check key is validated again for every instance that inherits it.
 */
final class ConfigErrors {
    private final Set<ConfigError> errors = new LinkedHashSet<>();
    private final Set<ConfigError> warnings = new LinkedHashSet<>();

    void add(String path, String message) {
        errors.add(new ConfigError(path, message));
    }

    /** Something that works but is risky (a secret file others can read): shown, never fatal. */
    void warn(String path, String message) {
        warnings.add(new ConfigError(path, message));
    }

    List<ConfigError> warnings() {
        return new ArrayList<>(warnings);
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    int count() {
        return errors.size();
    }

    List<ConfigError> list() {
        return new ArrayList<>(errors);
    }

    void throwIfAny() throws ConfigException {
        if (!errors.isEmpty()) throw new ConfigException(list());
    }
}
