package dev.baton.agent.check;

import java.util.Comparator;
import java.util.Objects;

/** Names one checked instance of one service. */
public record InstanceKey(String service, String instance) implements Comparable<InstanceKey> {
    private static final Comparator<InstanceKey> ORDER =
            Comparator.comparing(InstanceKey::service).thenComparing(InstanceKey::instance);

    public InstanceKey {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(instance, "instance");
        if (service.isBlank()) throw new IllegalArgumentException("service name is blank");
        if (instance.isBlank()) throw new IllegalArgumentException("instance name is blank in service " + service);
    }

    @Override
    public int compareTo(InstanceKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return service + "/" + instance;
    }
}
