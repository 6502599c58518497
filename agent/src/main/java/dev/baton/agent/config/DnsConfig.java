package dev.baton.agent.config;

import dev.baton.agent.dns.DnsServerOptions;
import dev.baton.agent.dns.UdpTransportChoice;
import dev.baton.agent.dns.WhenIsolated;
import dev.baton.agent.dns.ratelimit.RateLimitSettings;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The embedded authoritative DNS server: its UDP+TCP endpoints, the zone it is authoritative for (absolute,
 * lower case, e.g. {@code ha.example.test.}), the TTL of its answers, what it answers when isolated, the zone's
 * name servers (its NS records, at least one) and SOA mailbox, its response rate limits, and which I/O carries
 * its UDP.
 *
 * @param nameservers the apex NS set in order; the first is the SOA MNAME
 * @param hostmaster  the SOA RNAME, absolute ({@code hostmaster.example.com.})
 * @param transport   {@code dns.transport}: Baton's native loop where it loads, or the JDK's sockets
 */
public record DnsConfig(List<HostPort> listen, String zone, Duration ttl, WhenIsolated whenIsolated,
                        List<NameServerConfig> nameservers, String hostmaster, RateLimitSettings rateLimit,
                        UdpTransportChoice transport) {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(1);
    public static final Duration MAX_TTL = Duration.ofHours(1);
    public static final WhenIsolated DEFAULT_WHEN_ISOLATED = WhenIsolated.SERVFAIL;
    /** {@link DnsServerOptions#DEFAULT_UDP_TRANSPORT}: the native loop where it loads, else the JDK's sockets. */
    public static final UdpTransportChoice DEFAULT_TRANSPORT = DnsServerOptions.DEFAULT_UDP_TRANSPORT;
    /** What {@code native} was called while Netty's epoll transport carried it; still read, with a warning. */
    static final String OLD_NATIVE_TRANSPORT_NAME = "epoll";

    public DnsConfig {
        listen = List.copyOf(listen);
        Objects.requireNonNull(zone, "zone");
        if (!zone.endsWith(".")) throw new IllegalArgumentException("zone must be absolute: " + zone);
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(whenIsolated, "whenIsolated");
        nameservers = List.copyOf(nameservers);
        if (nameservers.isEmpty()) throw new IllegalArgumentException("at least one name server is required");
        Objects.requireNonNull(hostmaster, "hostmaster");
        if (!hostmaster.endsWith(".")) throw new IllegalArgumentException("hostmaster must be absolute: " + hostmaster);
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(transport, "transport");
    }

    /** The TTL in whole seconds, as DNS carries it (RFC 1035 section 3.2.1). */
    public long ttlSeconds() {
        return ttl.toSeconds();
    }

    /** The default SOA RNAME: {@code hostmaster.<zone>}. */
    public static String defaultHostmaster(String zone) {
        return "hostmaster." + zone;
    }
}
