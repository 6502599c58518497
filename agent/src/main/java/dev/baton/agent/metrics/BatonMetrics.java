package dev.baton.agent.metrics;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.dns.AnswerTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One node's metrics registry: the JVM's own meters from the start, Baton's once {@link #bind} is given the
 * running node, and the Prometheus text exposition of all of them.
 *
 * <p>Thread-safe. {@link #close()} stops the GC listener and frees the registry.
 */
public final class BatonMetrics implements AutoCloseable {
    /** The Prometheus text exposition format 0.0.4, which every Prometheus version scrapes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Run before each scrape: binders that take one snapshot for many series, or add series they discover. */
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
    private final AnswerLatencyHistogram dnsLatency = new AnswerLatencyHistogram();

    public BatonMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        registry.getPrometheusRegistry().register(dnsLatency);
    }

    /**
     * The timer the DNS server reports each answer's latency to ({@code baton_dns_answer_duration_seconds});
     * available before {@link #bind}, since the DNS server starts first.
     */
    public AnswerTimer dnsAnswerTimer() {
        return dnsLatency;
    }

    /**
     * Binds every Baton meter to {@code source}, with series for each service, instance and member of
     * {@code config}. Call once, when the node runs.
     */
    public void bind(BatonConfig config, MetricSource source) {
        String self = String.valueOf(config.cluster().node());
        ClusterMetrics.bind(registry, config, source);
        CheckMetrics.bind(registry, config, source, self);
        ServiceMetrics.bind(registry, config, source);
        beforeScrape.add(DnsMetrics.bind(registry, source));
        beforeScrape.add(PublisherMetrics.bind(registry, config, source));
    }

    /** {@code GET /metrics}: the {@link #scrape()} as {@link #CONTENT_TYPE}; 405 for another method. */
    public com.sun.net.httpserver.HttpHandler handler() {
        return exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    byte[] error = "{\"error\":\"only GET is allowed\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(405, error.length);
                    exchange.getResponseBody().write(error);
                    return;
                }
                byte[] body = scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        };
    }

    /** Every meter in the Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}). */
    public String scrape() {
        beforeScrape.forEach(Runnable::run);
        return registry.scrape(CONTENT_TYPE);
    }

    /** The registry, for tests and for meters another part of the agent adds. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
