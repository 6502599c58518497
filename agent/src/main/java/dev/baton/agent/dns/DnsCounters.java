package dev.baton.agent.dns;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.baton.agent.dns.ratelimit.ResponseRateLimiter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters behind {@link DnsStats}, shared by every transport of one {@link DnsServer}. Thread-safe and
 * allocation-free once each rcode has been seen: incremented on the I/O threads, read by {@link #snapshot}.
 */
final class DnsCounters {

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

    private final Map<Integer, LongAdder> responsesByRcode = new ConcurrentHashMap<>();
    final LongAdder malformed = new LongAdder();
    final LongAdder truncated = new LongAdder();
    final LongAdder tcpAccepted = new LongAdder();
    final LongAdder tcpRejected = new LongAdder();
    final LongAdder tcpEvicted = new LongAdder();
    private final LongAdder internalErrors = new LongAdder();

    void countResponse(int rcode) {
        LongAdder n = responsesByRcode.get(rcode);
        if (n == null) n = responsesByRcode.computeIfAbsent(rcode, k -> new LongAdder());
        n.increment();
    }

    /** Counts a failure that should not happen (a bug) and logs the first and then every power of two. */
    void internalError(String where, Throwable e) {
        internalErrors.increment();
        long n = internalErrors.sum();
        // Log the first and then every power of two, so a flood of bad input cannot flood the log.
        if (Long.bitCount(n) == 1) log.warn("DNS server: unexpected failure in {} (#{})", where, n, e);
    }

    DnsStats snapshot(ResponseRateLimiter rateLimiter) {
        Map<Integer, Long> byRcode = new TreeMap<>();
        responsesByRcode.forEach((rcode, n) -> byRcode.put(rcode, n.sum()));
        return new DnsStats(byRcode, malformed.sum(), truncated.sum(), tcpAccepted.sum(), tcpRejected.sum(),
                tcpEvicted.sum(), rateLimiter.dropped(), rateLimiter.slipped(), internalErrors.sum());
    }
}
