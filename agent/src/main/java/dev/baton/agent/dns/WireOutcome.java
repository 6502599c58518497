package dev.baton.agent.dns;

/**
 * What {@link DnsAnswerer#answerInto} wrote, packed into an {@code int} so the UDP loop allocates nothing:
 * the response length (0 when nothing is to be sent), its rcode and whether the query was malformed.
 */
final class WireOutcome {

    private static final int LENGTH_BITS = 17; // up to 65535, and room to spare
    private static final int RCODE_BITS = 12; // RFC 6891 §6.1.3: 4 header bits + 8 OPT bits
    private static final int MALFORMED = 1 << (LENGTH_BITS + RCODE_BITS);

    private WireOutcome() {
    }

    static int of(int length, int rcode, boolean malformed) {
        return length | (rcode & ((1 << RCODE_BITS) - 1)) << LENGTH_BITS | (malformed ? MALFORMED : 0);
    }

    static int length(int outcome) {
        return outcome & ((1 << LENGTH_BITS) - 1);
    }

    /** Meaningful only when {@link #length} is positive. */
    static int rcode(int outcome) {
        return outcome >>> LENGTH_BITS & ((1 << RCODE_BITS) - 1);
    }

    static boolean malformed(int outcome) {
        return (outcome & MALFORMED) != 0;
    }
}
