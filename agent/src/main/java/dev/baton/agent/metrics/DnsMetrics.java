package dev.baton.agent.metrics;

import dev.baton.agent.dns.DnsStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.xbill.DNS.Rcode;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * The DNS server: responses by rcode and the other counters of {@link DnsStats}, read from one snapshot per
 * scrape. The answer latency is {@link AnswerLatencyHistogram}, the one meter the server records into per query.
 */
final class DnsMetrics {
    private DnsMetrics() {
    }

    /** Binds the counters; returns what to run before each scrape (one snapshot, and series for new rcodes). */
    static Runnable bind(MeterRegistry registry, MetricSource source) {
        Snapshot snapshot = new Snapshot(source);
        counter(registry, snapshot, "baton.dns.malformed", "Messages that could not be parsed or broke a protocol rule",
                DnsStats::malformed);
        counter(registry, snapshot, "baton.dns.truncated", "UDP responses sent with TC set", DnsStats::truncated);
        counter(registry, snapshot, "baton.dns.rate.limited.dropped",
                "UDP responses not sent: the client's prefix was over the rate limit", DnsStats::rateLimitedDropped);
        counter(registry, snapshot, "baton.dns.rate.limited.slipped",
                "UDP responses sent truncated and empty instead, over the rate limit", DnsStats::rateLimitedTruncated);
        counter(registry, snapshot, "baton.dns.tcp.connections", "TCP connections served",
                DnsStats::tcpConnectionsAccepted);
        counter(registry, snapshot, "baton.dns.tcp.evicted", "Open TCP connections closed to make room for a new one",
                DnsStats::tcpConnectionsEvicted);
        counter(registry, snapshot, "baton.dns.internal.errors", "Messages whose handling failed unexpectedly (a bug)",
                DnsStats::internalErrors);
        Set<Integer> bound = ConcurrentHashMap.newKeySet();
        // The usual rcodes from the start, so a rate() has a baseline before the first such response.
        for (int rcode : new int[] {Rcode.NOERROR, Rcode.NXDOMAIN, Rcode.REFUSED, Rcode.SERVFAIL, Rcode.FORMERR}) {
            bindRcode(registry, snapshot, bound, rcode);
        }
        return () -> {
            DnsStats stats = snapshot.refresh();
            if (stats != null) stats.responsesByRcode().keySet().forEach(rcode -> bindRcode(registry, snapshot, bound, rcode));
        };
    }

    private static void bindRcode(MeterRegistry registry, Snapshot snapshot, Set<Integer> bound, int rcode) {
        if (!bound.add(rcode)) return;
        counter(registry, snapshot, "baton.dns.responses", "DNS responses sent, by rcode", s -> s.responses(rcode),
                "rcode", Rcode.string(rcode));
    }

    private static void counter(MeterRegistry registry, Snapshot snapshot, String name, String description,
                                ToLongFunction<DnsStats> read, String... tags) {
        FunctionCounter.builder(name, snapshot, s -> s.read(read)).description(description).tags(tags)
                .register(registry);
    }

    /** The DNS counters as of the current scrape: one {@link DnsStats} copy per scrape, not one per series. */
    private static final class Snapshot {
        private final MetricSource source;
        private volatile DnsStats stats;

        Snapshot(MetricSource source) {
            this.source = source;
        }

        DnsStats refresh() {
            stats = source.dns().orElse(null);
            return stats;
        }

        double read(ToLongFunction<DnsStats> field) {
            DnsStats s = stats;
            return s == null ? 0 : field.applyAsLong(s);
        }
    }
}
