package dev.baton.agent.verdict;

import java.util.Objects;

/** One instance of one service, as configured: the key of every health observation and verdict. */
public record InstanceKey(String service, String instance) {
    public InstanceKey {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(instance, "instance");
    }

    @Override
    public String toString() {
        return service + "/" + instance;
    }
}
