package dev.baton.agent.dns;

import java.util.Map;

/**
 * A snapshot of {@link DnsServer}'s counters since it started.
 *
 * @param responsesByRcode        responses sent (or attempted), by rcode including EDNS extended bits; absent
 *                                keys are zero
 * @param malformed               received messages that could not be parsed or broke a protocol rule (answered
 *                                FORMERR, or dropped when shorter than a header or not a query)
 * @param truncated               UDP responses sent with TC set
 * @param tcpConnectionsAccepted  TCP connections served
 * @param tcpConnectionsRejected  TCP connections closed at once because {@code maxTcpConnections} were open
 * @param internalErrors          messages whose handling failed unexpectedly (a bug; the server carried on)
 */
public record DnsStats(
        Map<Integer, Long> responsesByRcode,
        long malformed,
        long truncated,
        long tcpConnectionsAccepted,
        long tcpConnectionsRejected,
        long internalErrors) {

    public DnsStats {
        responsesByRcode = Map.copyOf(responsesByRcode);
    }

    public long responses(int rcode) {
        return responsesByRcode.getOrDefault(rcode, 0L);
    }

    public long totalResponses() {
        return responsesByRcode.values().stream().mapToLong(Long::longValue).sum();
    }
}
