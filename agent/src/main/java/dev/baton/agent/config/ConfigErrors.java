package dev.baton.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects errors while a config is read, so the operator sees all of them at once. Identical errors are kept
 * once: a service-level check key is validated again for every instance that inherits it.
 */
final class ConfigErrors {
    private final Set<ConfigError> errors = new LinkedHashSet<>();

    void add(String path, String message) {
        errors.add(new ConfigError(path, message));
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
