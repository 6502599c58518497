package dev.baton.agent.config;

import dev.baton.agent.config.publish.PublisherConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node's validated configuration, as produced by {@link ConfigLoader}. Immutable; safe to share between
 * threads and to log ({@link ClusterKey} and {@link Secret} redact themselves).
 *
 * @param leaderPublish where the leader node itself is published ({@code leader.publish}); empty for none
 * @param warnings      what is valid but risky (a secret file others can read), for {@code baton validate}
 *                      and the agent's log
 * @param logFormat     {@code logging.format}: how log lines are written
 * @param history       how much replicated history to keep ({@code history:})
 */
public record BatonConfig(ClusterConfig cluster, ApiConfig api, DnsConfig dns, List<ServiceConfig> services,
                          List<PublisherConfig> leaderPublish, List<ConfigError> warnings, LogFormat logFormat,
                          HistoryConfig history) {
    public BatonConfig {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(dns, "dns");
        services = List.copyOf(services);
        leaderPublish = List.copyOf(leaderPublish);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(history, "history");
    }

    public BatonConfig(ClusterConfig cluster, ApiConfig api, DnsConfig dns, List<ServiceConfig> services,
                       List<PublisherConfig> leaderPublish, List<ConfigError> warnings) {
        this(cluster, api, dns, services, leaderPublish, warnings, LogFormat.DEFAULT, HistoryConfig.DEFAULT);
    }

    public BatonConfig(ClusterConfig cluster, ApiConfig api, DnsConfig dns, List<ServiceConfig> services) {
        this(cluster, api, dns, services, List.of(), List.of());
    }

    public Optional<ServiceConfig> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The absolute DNS name a service is answered under, e.g. {@code db.ha.example.test.}. */
    public String qualifiedName(ServiceConfig service) {
        return service.name() + "." + dns.zone();
    }
}
