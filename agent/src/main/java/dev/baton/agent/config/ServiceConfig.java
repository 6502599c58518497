package dev.baton.agent.config;

import dev.baton.agent.config.publish.PublisherConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One service with exactly one published instance at a time. {@code name} is a DNS label under the zone.
 * Instances keep their config order. {@code publish} lists where else the active instance is published (an
 * external DNS, a floating IP, a VIP, hooks), in config order; empty when only Baton's own DNS answers.
 */
public record ServiceConfig(
        String name,
        SelectionPolicy policy,
        Failback failback,
        Vantage vantage,
        WhenNoneHealthy whenNoneHealthy,
        List<InstanceConfig> instances,
        List<PublisherConfig> publish) {
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
        publish = List.copyOf(publish);
        if (instances.isEmpty()) throw new IllegalArgumentException("service " + name + " has no instances");
    }

    public ServiceConfig(String name, SelectionPolicy policy, Failback failback, Vantage vantage,
                         WhenNoneHealthy whenNoneHealthy, List<InstanceConfig> instances) {
        this(name, policy, failback, vantage, whenNoneHealthy, instances, List.of());
    }

    public Optional<InstanceConfig> instance(String instanceName) {
        return instances.stream().filter(i -> i.name().equals(instanceName)).findFirst();
    }
}
