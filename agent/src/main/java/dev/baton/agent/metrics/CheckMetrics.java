package dev.baton.agent.metrics;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceStatus;
import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.ServiceConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * This node's own checks, per instance: results by outcome, latency (count and sum: the check runner keeps
 * both, so a probe run costs nothing more), and the rise/fall state. {@code node} is this node's id, so the
 * series join the per-node verdicts of {@link ServiceMetrics}.
 */
final class CheckMetrics {
    private CheckMetrics() {
    }

    static void bind(MeterRegistry registry, BatonConfig config, MetricSource source, String self) {
        for (ServiceConfig service : config.services()) {
            for (InstanceConfig instance : service.instances()) {
                String s = service.name();
                String i = instance.name();
                Tags tags = Tags.of("service", s, "instance", i, "node", self);
                ToDoubleFunction<MetricSource> passed = src -> src.check(s, i).map(st -> st.runs() - st.failedRuns()).orElse(0L);
                ToDoubleFunction<MetricSource> failed = src -> src.check(s, i).map(InstanceStatus::failedRuns).orElse(0L);
                FunctionCounter.builder("baton.check.results", source, passed).tags(tags).tag("result", "pass")
                        .description("Completed check runs of the instance on this node, by result").register(registry);
                FunctionCounter.builder("baton.check.results", source, failed).tags(tags).tag("result", "fail")
                        .description("Completed check runs of the instance on this node, by result").register(registry);
                FunctionTimer.builder("baton.check.duration", source,
                                src -> src.check(s, i).map(InstanceStatus::runs).orElse(0L),
                                src -> src.check(s, i).map(InstanceStatus::latencyNanosTotal).orElse(0L),
                                TimeUnit.NANOSECONDS)
                        .tags(tags).description("How long the instance's check runs took on this node")
                        .register(registry);
                Gauge.builder("baton.check.state", source,
                                src -> HealthValue.of(src.check(s, i).map(InstanceStatus::health).orElse(InstanceHealth.UNKNOWN)))
                        .tags(tags).description("This node's rise/fall state of the instance: 1 up, 0 down, -1 unknown")
                        .register(registry);
            }
        }
    }
}
