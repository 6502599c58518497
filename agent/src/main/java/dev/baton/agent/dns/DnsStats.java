package dev.baton.agent.dns;

import java.util.Map;

/**
 * A snapshot of {@link DnsServer}'s counters since it started.
 *
 * @param responsesByRcode        responses sent (or attempted), by rcode including EDNS extended bits; absent
 *                                keys are zero
 * @param malformed               received messages that could not be parsed or broke a protocol rule (answered
 *                                FORMERR, or dropped when shorter than a header or not a query)
 * @param truncated               UDP responses sent with TC set (rate-limited slips included)
 * @param tcpConnectionsAccepted  TCP connections served
 * @param tcpConnectionsRejected  TCP connections closed at once because the server was closing
 * @param tcpConnectionsEvicted   open TCP connections closed to make room for a new one, all slots being taken
 * @param rateLimitedDropped      UDP responses not sent: their client prefix was over the rate limit
 * @param rateLimitedTruncated    UDP responses sent truncated and empty (slipped) instead, for the same reason
 * @param internalErrors          messages whose handling failed unexpectedly (a bug; the server carried on)
 */
public record DnsStats(
        Map<Integer, Long> responsesByRcode,
        long malformed,
        long truncated,
        long tcpConnectionsAccepted,
        long tcpConnectionsRejected,
        long tcpConnectionsEvicted,
        long rateLimitedDropped,
        long rateLimitedTruncated,
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
