package dev.baton.agent.dns;

import dev.baton.agent.dns.ratelimit.RateLimitSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of {@link DnsServer}'s I/O.
 *
 * @param udpThreadsPerSocket threads receiving on each UDP listen address: on the JDK transport threads sharing
 *                            one socket, on the native loop one socket each (SO_REUSEPORT)
 * @param tcpIdleTimeout      a TCP connection is closed when no query starts within this time, or when a query
 *                            takes longer than this to arrive completely (RFC 7766 §6.2.3 recommends seconds)
 * @param maxTcpConnections   connections served at once across all listen addresses; when all are taken, the
 *                            connection that has waited longest for its client's next bytes is closed to make room
 * @param rateLimit           response rate limiting on UDP ({@link RateLimitSettings#OFF} for none)
 * @param udpTransport        which I/O carries UDP ({@code dns.transport})
 * @param udpBatch            native loop only: datagrams taken per recvmmsg call, and so at most answered per sendmmsg
 */
public record DnsServerOptions(int udpThreadsPerSocket, Duration tcpIdleTimeout, int maxTcpConnections,
                               RateLimitSettings rateLimit, UdpTransportChoice udpTransport, int udpBatch) {

    public static final int DEFAULT_UDP_THREADS_PER_SOCKET = 2;
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_TCP_CONNECTIONS = 256;
    /**
     * The native loop where it loads, else the JDK's sockets: measured side by side on loopback, the native loop
     * costs less CPU per answered query than the JDK's DatagramChannel (docs/BENCHMARKS.md, "DNS over UDP:
     * Baton's native loop").
     */
    public static final UdpTransportChoice DEFAULT_UDP_TRANSPORT = UdpTransportChoice.AUTO;
    public static final int DEFAULT_UDP_BATCH = 16;
    public static final int MAX_UDP_BATCH = 1024;
    public static final DnsServerOptions DEFAULTS = new DnsServerOptions(
            DEFAULT_UDP_THREADS_PER_SOCKET, DEFAULT_TCP_IDLE_TIMEOUT, DEFAULT_MAX_TCP_CONNECTIONS,
            RateLimitSettings.DEFAULTS, DEFAULT_UDP_TRANSPORT, DEFAULT_UDP_BATCH);

    public DnsServerOptions {
        if (udpThreadsPerSocket < 1) throw new IllegalArgumentException("udpThreadsPerSocket must be at least 1");
        Objects.requireNonNull(tcpIdleTimeout, "tcpIdleTimeout");
        if (tcpIdleTimeout.toMillis() < 1) throw new IllegalArgumentException("tcpIdleTimeout must be at least 1 ms");
        if (maxTcpConnections < 1) throw new IllegalArgumentException("maxTcpConnections must be at least 1");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(udpTransport, "udpTransport");
        if (udpBatch < 1 || udpBatch > MAX_UDP_BATCH) {
            throw new IllegalArgumentException("udpBatch must be from 1 to " + MAX_UDP_BATCH);
        }
    }

    /** Options without response rate limiting (benchmarks and tests that send floods from one address). */
    public DnsServerOptions(int udpThreadsPerSocket, Duration tcpIdleTimeout, int maxTcpConnections) {
        this(udpThreadsPerSocket, tcpIdleTimeout, maxTcpConnections, RateLimitSettings.OFF, DEFAULT_UDP_TRANSPORT,
                DEFAULT_UDP_BATCH);
    }

    /** The defaults with other rate limits. */
    public static DnsServerOptions withRateLimit(RateLimitSettings rateLimit) {
        return DEFAULTS.withRateLimits(rateLimit);
    }

    /** These options with other rate limits. */
    public DnsServerOptions withRateLimits(RateLimitSettings limits) {
        return new DnsServerOptions(udpThreadsPerSocket, tcpIdleTimeout, maxTcpConnections, limits, udpTransport,
                udpBatch);
    }

    /** These options with another UDP transport. */
    public DnsServerOptions withUdpTransport(UdpTransportChoice transport) {
        return new DnsServerOptions(udpThreadsPerSocket, tcpIdleTimeout, maxTcpConnections, rateLimit, transport,
                udpBatch);
    }

    /** These options with another recvmmsg batch size. */
    public DnsServerOptions withUdpBatch(int batch) {
        return new DnsServerOptions(udpThreadsPerSocket, tcpIdleTimeout, maxTcpConnections, rateLimit, udpTransport,
                batch);
    }
}
