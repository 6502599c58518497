package dev.baton.agent.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import dev.baton.agent.dns.ratelimit.ResponseRateLimiter;

/**
 * What happens to one UDP query between its bytes arriving and its response leaving, whichever transport
 * carries it: the same answer, rate limiting, truncation and counting on the JDK and the native path, so both
 * send the same bytes. Thread-safe; allocates nothing on the common path.
 */
final class UdpExchange {

    /**
     * The longest UDP query answered, exclusive: a datagram of this size or more is counted malformed and not
     * answered. Both transports receive into slots of exactly this size, so a longer datagram arrives cut to it,
     * and neither can tell a cut one from one that fits exactly. Real queries (a name of at most 255 bytes, an
     * OPT record, a TSIG) stay far below.
     */
    static final int MAX_QUERY_BYTES = 4096;
    /** Room for any UDP response: at most the client's payload, clamped to {@link DnsAnswerer#MAX_UDP_PAYLOAD}. */
    static final int MAX_RESPONSE_BYTES = DnsAnswerer.MAX_UDP_PAYLOAD;

    private final DnsAnswerer answerer;
    private final ResponseRateLimiter rateLimiter;
    private final DnsCounters counters;
    private final AnswerTimer answerTimer;
    /** False for {@link AnswerTimer#NONE}: the untimed server does not read the clock per query. */
    private final boolean timed;

    UdpExchange(DnsAnswerer answerer, ResponseRateLimiter rateLimiter, DnsCounters counters, AnswerTimer answerTimer) {
        this.answerer = answerer;
        this.rateLimiter = rateLimiter;
        this.counters = counters;
        this.answerTimer = answerTimer;
        this.timed = answerTimer != AnswerTimer.NONE;
    }

    /** The time a query was received, for {@link #sent}; 0 without reading the clock when nothing is timed. */
    long receivedAt() {
        return timed ? System.nanoTime() : 0;
    }

    /** Records a response handed to the socket, for a query received at {@code receivedAt}. */
    void sent(long receivedAt) {
        if (timed) answerTimer.record(System.nanoTime() - receivedAt);
    }

    /**
     * Answers the query in {@code in[0, length)} from {@code client} into {@code out} (room for
     * {@link #MAX_RESPONSE_BYTES}), counting it. Never throws: an unexpected failure is counted as an internal
     * error and nothing is sent.
     *
     * @return the number of bytes of {@code out} to send, 0 when nothing is to be sent (unreadable, not a query,
     *         dropped by rate limiting, or an unanswerable source)
     */
    int respond(byte[] in, int length, InetSocketAddress client, byte[] out) {
        if (client == null) { // cannot be answered
            counters.malformed.increment();
            return 0;
        }
        return respond(in, length, client.getPort(), client.getAddress(), null, out);
    }

    /**
     * As {@link #respond(byte[], int, InetSocketAddress, byte[])}, for a client given as its address's bytes
     * (4 or 16, an IPv4-mapped IPv6 source given as IPv4, as the JDK gives it) and its port, so the native loop
     * makes no object per query. {@code clientAddress} may be reused once this returns.
     */
    int respond(byte[] in, int length, byte[] clientAddress, int clientPort, byte[] out) {
        return respond(in, length, clientPort, null, clientAddress, out);
    }

    /** Exactly one of {@code client} and {@code clientBytes} is given: the same logic for both transports. */
    private int respond(byte[] in, int length, int clientPort, InetAddress client, byte[] clientBytes, byte[] out) {
        try {
            if (clientPort == 0 || length >= MAX_QUERY_BYTES) { // cannot be answered
                counters.malformed.increment();
                return 0;
            }
            int outcome = answerer.answerInto(in, 0, length, DnsTransport.UDP, out, 0);
            if (WireOutcome.malformed(outcome)) counters.malformed.increment();
            int responseLength = WireOutcome.length(outcome);
            if (responseLength == 0) return 0;
            ResponseRateLimiter.Decision limit = client != null
                    ? rateLimiter.decide(client) : rateLimiter.decide(clientBytes);
            if (limit == ResponseRateLimiter.Decision.DROP) return 0;
            if (limit == ResponseRateLimiter.Decision.SLIP) responseLength = truncateToQuestion(out, responseLength);
            counters.countResponse(WireOutcome.rcode(outcome));
            if ((out[2] & 0x02) != 0) counters.truncated.increment(); // TC
            return responseLength;
        } catch (RuntimeException | StackOverflowError e) {
            counters.internalError("UDP message", e);
            return 0;
        }
    }

    /**
     * Cuts the response in {@code out} down to its header and question, with TC set and no records: what a
     * rate-limited response "slips" out as (BIND's RRL), too small to amplify, and a real resolver retries over
     * TCP (RFC 7766 §5). Returns the new length.
     */
    static int truncateToQuestion(byte[] out, int length) {
        int qdcount = ((out[4] & 0xFF) << 8) | (out[5] & 0xFF);
        int end = 12;
        if (qdcount == 1) {
            int pos = 12;
            // The question is the first name in the message, so it is never compressed (RFC 1035 §4.1.4).
            while (pos < length && out[pos] != 0 && (out[pos] & 0xC0) == 0) pos += (out[pos] & 0xFF) + 1;
            if (pos < length && out[pos] == 0 && pos + 5 <= length) end = pos + 5;
        }
        if (end == 12) {
            out[4] = 0;
            out[5] = 0;
        }
        out[2] |= 0x02; // TC
        for (int i = 6; i < 12; i++) out[i] = 0; // no answer, authority or additional records
        return end;
    }
}
