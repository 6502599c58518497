package dev.baton.agent.dns;

/**
 * Told how long each answered query took inside {@link DnsServer}: from the moment its bytes were received to
 * the moment the response was handed to the socket (UDP), or from the complete query to the written response
 * (TCP). Queries that get no response (dropped by rate limiting, unreadable) are not timed.
 *
 * <p>Contract: called on the DNS I/O threads, concurrently, once per answered query. It must not block and
 * should not allocate: it sits on the hot path (a Micrometer timer with fixed buckets qualifies). An exception
 * it throws is counted as an internal error of that query.
 */
@FunctionalInterface
public interface AnswerTimer {
    /** No timing at all: the server does not even read the clock. */
    AnswerTimer NONE = nanos -> { };

    void record(long nanos);
}
