package dev.baton.agent.dns;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of {@link DnsServer}'s I/O.
 *
 * @param udpThreadsPerSocket threads receiving on each UDP socket, each with its own 64 KiB buffer
 * @param tcpIdleTimeout      a TCP connection is closed when no query starts within this time, or when a query
 *                            takes longer than this to arrive completely (RFC 7766 §6.2.3 recommends seconds)
 * @param maxTcpConnections   connections served at once across all listen addresses; more are closed at once
 */
public record DnsServerOptions(int udpThreadsPerSocket, Duration tcpIdleTimeout, int maxTcpConnections) {

    public static final int DEFAULT_UDP_THREADS_PER_SOCKET = 2;
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_TCP_CONNECTIONS = 256;
    public static final DnsServerOptions DEFAULTS = new DnsServerOptions(
            DEFAULT_UDP_THREADS_PER_SOCKET, DEFAULT_TCP_IDLE_TIMEOUT, DEFAULT_MAX_TCP_CONNECTIONS);

    public DnsServerOptions {
        if (udpThreadsPerSocket < 1) throw new IllegalArgumentException("udpThreadsPerSocket must be at least 1");
        Objects.requireNonNull(tcpIdleTimeout, "tcpIdleTimeout");
        if (tcpIdleTimeout.toMillis() < 1) throw new IllegalArgumentException("tcpIdleTimeout must be at least 1 ms");
        if (maxTcpConnections < 1) throw new IllegalArgumentException("maxTcpConnections must be at least 1");
    }
}
