package dev.baton.agent.metrics;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.MemberConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.decision.Decision;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.Optional;

/**
 * Each service's committed state, identical on every node: the active instance, the per-node verdicts its
 * decision rests on (the {@code verdicts} of {@code /v1/status}), decisions applied, and the operator's
 * overrides (pin, drain).
 */
final class ServiceMetrics {
    private ServiceMetrics() {
    }

    static void bind(MeterRegistry registry, BatonConfig config, MetricSource source) {
        for (ServiceConfig service : config.services()) {
            String s = service.name();
            FunctionCounter.builder("baton.decisions", source, src -> src.decisionsApplied(s)).tag("service", s)
                    .description("Decisions for the service this node applied since it started").register(registry);
            for (InstanceConfig instance : service.instances()) {
                String i = instance.name();
                Gauge.builder("baton.active", source,
                                src -> ClusterMetrics.bit(src.decision(s).flatMap(Decision::activeInstance)
                                        .map(i::equals).orElse(false)))
                        .tags("service", s, "instance", i)
                        .description("1 for the instance the service publishes now, else 0").register(registry);
                Gauge.builder("baton.override.pinned", source,
                                src -> ClusterMetrics.bit(src.overrides(s).pinned().map(i::equals).orElse(false)))
                        .tags("service", s, "instance", i)
                        .description("1 while an operator pins the service to the instance, else 0").register(registry);
                Gauge.builder("baton.override.drained", source,
                                src -> ClusterMetrics.bit(src.overrides(s).isDrained(i)))
                        .tags("service", s, "instance", i)
                        .description("1 while an operator drains the instance, else 0").register(registry);
                for (MemberConfig member : config.cluster().members()) {
                    int node = member.id();
                    Gauge.builder("baton.verdict", source, src -> HealthValue.of(evidence(src.decision(s), node, i)))
                            .tags("service", s, "instance", i, "node", String.valueOf(node))
                            .description("The node's view of the instance in the service's current decision: "
                                    + "1 up, 0 down, -1 unknown (or no decision yet)")
                            .register(registry);
                }
            }
        }
    }

    private static InstanceHealth evidence(Optional<Decision> decision, int node, String instance) {
        if (decision.isEmpty()) return InstanceHealth.UNKNOWN;
        Map<String, InstanceHealth> byInstance = decision.get().evidence().get(node);
        return byInstance == null ? InstanceHealth.UNKNOWN : byInstance.getOrDefault(instance, InstanceHealth.UNKNOWN);
    }
}
