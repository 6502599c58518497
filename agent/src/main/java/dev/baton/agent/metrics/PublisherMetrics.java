package dev.baton.agent.metrics;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.PublishState;
import dev.baton.agent.publish.PublisherStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code baton_publishers{service, state}}: how many of the service's publishers are in each state (service
 * {@code leader} for {@code leader.publish}), from one {@code PublishEngine.status()} per scrape. Every state
 * has a series, 0 included, so {@code baton_publishers{state="failing"} > 0} is an alert that never goes
 * missing.
 */
final class PublisherMetrics {
    private PublisherMetrics() {
    }

    /** Binds the gauges; returns what to run before each scrape (one status snapshot for all of them). */
    static Runnable bind(MeterRegistry registry, BatonConfig config, MetricSource source) {
        Counts counts = new Counts();
        for (ServiceConfig service : config.services()) {
            if (!service.publish().isEmpty()) bindScope(registry, counts, service.name());
        }
        if (!config.leaderPublish().isEmpty()) bindScope(registry, counts, Intent.LEADER_SCOPE);
        return () -> counts.refresh(source);
    }

    private static void bindScope(MeterRegistry registry, Counts counts, String scope) {
        for (PublishState state : PublishState.values()) {
            Gauge.builder("baton.publishers", counts, c -> c.of(scope, state))
                    .tags("service", scope, "state", state.text())
                    .description("The service's publishers in each state").register(registry);
        }
    }

    private static final class Counts {
        private volatile Map<String, Map<PublishState, Integer>> byScope = Map.of();

        void refresh(MetricSource source) {
            Map<String, Map<PublishState, Integer>> next = new HashMap<>();
            for (PublisherStatus p : source.publishers()) {
                next.computeIfAbsent(p.scope(), k -> new EnumMap<>(PublishState.class)).merge(p.state(), 1, Integer::sum);
            }
            byScope = next;
        }

        double of(String scope, PublishState state) {
            return byScope.getOrDefault(scope, Map.of()).getOrDefault(state, 0);
        }
    }
}
