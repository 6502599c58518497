package dev.baton.agent.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node's validated configuration, as produced by {@link ConfigLoader}. Immutable; safe to share between
 * threads and to log ({@link ClusterKey} redacts itself).
 */
public record BatonConfig(ClusterConfig cluster, ApiConfig api, DnsConfig dns, List<ServiceConfig> services) {
    public BatonConfig {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(dns, "dns");
        services = List.copyOf(services);
    }

    public Optional<ServiceConfig> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The absolute DNS name a service is answered under, e.g. {@code db.ha.example.test.}. */
    public String qualifiedName(ServiceConfig service) {
        return service.name() + "." + dns.zone();
    }
}
