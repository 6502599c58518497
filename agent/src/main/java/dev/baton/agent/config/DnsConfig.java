package dev.baton.agent.config;

import dev.baton.agent.dns.WhenIsolated;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The embedded authoritative DNS server: its UDP+TCP endpoints, the zone it is authoritative for (absolute,
 * lower case, e.g. {@code ha.example.test.}), the TTL of its answers, and what it answers when isolated.
 */
public record DnsConfig(List<HostPort> listen, String zone, Duration ttl, WhenIsolated whenIsolated) {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(1);
    public static final Duration MAX_TTL = Duration.ofHours(1);
    public static final WhenIsolated DEFAULT_WHEN_ISOLATED = WhenIsolated.SERVFAIL;

    public DnsConfig {
        listen = List.copyOf(listen);
        Objects.requireNonNull(zone, "zone");
        if (!zone.endsWith(".")) throw new IllegalArgumentException("zone must be absolute: " + zone);
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(whenIsolated, "whenIsolated");
    }

    /** The TTL in whole seconds, as DNS carries it (RFC 1035 section 3.2.1). */
    public long ttlSeconds() {
        return ttl.toSeconds();
    }
}
