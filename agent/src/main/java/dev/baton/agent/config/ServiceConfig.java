package dev.baton.agent.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One service with exactly one published instance at a time. {@code name} is a DNS label under the zone.
 * Instances keep their config order.
 */
public record ServiceConfig(
        String name,
        SelectionPolicy policy,
        Failback failback,
        Vantage vantage,
        WhenNoneHealthy whenNoneHealthy,
        List<InstanceConfig> instances) {
    public static final SelectionPolicy DEFAULT_POLICY = SelectionPolicy.FAILOVER;
    public static final Vantage DEFAULT_VANTAGE = Vantage.QUORUM;
    public static final WhenNoneHealthy DEFAULT_WHEN_NONE_HEALTHY = WhenNoneHealthy.KEEP_LAST;

    public ServiceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(failback, "failback");
        Objects.requireNonNull(vantage, "vantage");
        Objects.requireNonNull(whenNoneHealthy, "whenNoneHealthy");
        instances = List.copyOf(instances);
        if (instances.isEmpty()) throw new IllegalArgumentException("service " + name + " has no instances");
    }

    public Optional<InstanceConfig> instance(String instanceName) {
        return instances.stream().filter(i -> i.name().equals(instanceName)).findFirst();
    }
}
