/**
 * Prometheus metrics for {@code GET /metrics}: Micrometer meters bound to the state the agent already keeps.
 *
 * <p>Naming follows the Prometheus conventions (https://prometheus.io/docs/practices/naming/): every metric
 * starts with {@code baton_}, is in base units (seconds, bytes), counters end in {@code _total}; label names are
 * {@code service}, {@code instance}, {@code node}, {@code rcode}, {@code reason}, {@code state}, {@code result}.
 * The JVM's own metrics keep Micrometer's standard names ({@code jvm_*}, {@code process_*}, {@code system_*}).
 *
 * <p>Cost: almost everything is read lazily at scrape time from counters the code already keeps
 * ({@link dev.baton.agent.dns.DnsStats}, {@link dev.baton.election.transport.TransportStats}, the check runner's
 * per-instance counts, the election's status, the publishers' status), so the hot paths pay nothing for it. The
 * one meter recorded per event is the DNS answer latency histogram (fixed buckets, no allocation per query; its
 * cost is in docs/BENCHMARKS.md). Series are bound once, from the config: per instance and per member node, so
 * cardinality is what the config declares.
 *
 * <ul>
 *   <li>{@link dev.baton.agent.metrics.BatonMetrics}: the registry, the JVM binders, the scrape.</li>
 *   <li>{@link dev.baton.agent.metrics.MetricSource}: what the binders read; the runtime implements it.</li>
 *   <li>One binder per concept: {@link dev.baton.agent.metrics.ClusterMetrics},
 *   {@link dev.baton.agent.metrics.CheckMetrics}, {@link dev.baton.agent.metrics.ServiceMetrics},
 *   {@link dev.baton.agent.metrics.DnsMetrics}, {@link dev.baton.agent.metrics.PublisherMetrics}.</li>
 * </ul>
 */
package dev.baton.agent.metrics;
