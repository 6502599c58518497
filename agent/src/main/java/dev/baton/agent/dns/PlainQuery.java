package dev.baton.agent.dns;

import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Type;

/**
 * A hand-written parser for the common query, the only one the fast path answers from
 * {@link ResponseCache}: opcode QUERY, one question of class IN with an uncompressed name and an ordinary
 * qtype, no other records except at most one EDNS(0) OPT record without options, and nothing after it.
 * Anything else (other opcodes, several questions, compression in the question, EDNS options or versions,
 * TSIG, trailing bytes, ...) is not plain and goes through dnsjava's full parser.
 *
 * <p>For a plain query the response depends only on the question with its name lowercased, on whether EDNS is
 * used with or without DO, and on the table and currentness: ID, RD, CD and the case of the name are copied
 * into the cached bytes, and the advertised payload only bounds the UDP size. The result is packed into one
 * {@code long} so that parsing allocates nothing.
 *
 * <p>Stateless and thread-safe; never throws for any input.
 */
final class PlainQuery {

    /** Returned for everything the fast path does not handle. */
    static final long NOT_PLAIN = -1;

    /** EDNS state of a query; part of the cache key because the response carries an OPT record or not. */
    static final int NO_EDNS = 0;
    static final int EDNS = 1;
    static final int EDNS_DO = 2;

    /** Offset of QNAME: right after the 12-byte header (RFC 1035 §4.1.1). */
    static final int QNAME_OFFSET = 12;

    /** RFC 1035 §3.1: a name is at most 255 bytes on the wire, a label at most 63. */
    private static final int MAX_NAME_BYTES = 255;
    private static final int MAX_LABEL_BYTES = 63;
    /** QR set, or an opcode other than QUERY. */
    private static final int NOT_A_QUERY_MASK = 0xF800;
    /** OPT RR with an empty RDATA: root name 1, type 2, class 2, TTL 4, RDLENGTH 2 (RFC 6891 §6.1.2). */
    private static final int EMPTY_OPT_BYTES = 11;

    private PlainQuery() {
    }

    /**
     * Parses the message in {@code wire[offset, offset+length)}.
     *
     * @return a packed descriptor read with {@link #nameLength}, {@link #qtype}, {@link #edns} and
     *         {@link #udpLimit}, or {@link #NOT_PLAIN}
     */
    static long parse(byte[] wire, int offset, int length) {
        if (offset < 0 || length < QNAME_OFFSET + 5 || length > wire.length - offset) return NOT_PLAIN;
        int end = offset + length;
        if ((u16(wire, offset + 2) & NOT_A_QUERY_MASK) != 0) return NOT_PLAIN;
        if (u16(wire, offset + 4) != 1 || u16(wire, offset + 6) != 0 || u16(wire, offset + 8) != 0) return NOT_PLAIN;
        int additional = u16(wire, offset + 10);
        if (additional > 1) return NOT_PLAIN;

        int nameStart = offset + QNAME_OFFSET;
        int p = nameStart;
        while (true) {
            if (p >= end) return NOT_PLAIN;
            int label = wire[p] & 0xFF;
            if (label == 0) break;
            // A compression pointer (0xC0) or an extended label type (0x40, 0x80) is left to dnsjava.
            if (label > MAX_LABEL_BYTES) return NOT_PLAIN;
            p += 1 + label;
            if (p - nameStart + 1 > MAX_NAME_BYTES) return NOT_PLAIN;
        }
        p++; // the root label
        int nameLength = p - nameStart;
        if (p + 4 > end) return NOT_PLAIN;
        int qtype = u16(wire, p);
        if (u16(wire, p + 2) != DClass.IN || !isOrdinaryQtype(qtype)) return NOT_PLAIN;
        p += 4;

        int edns = NO_EDNS;
        int udpLimit = DnsAnswerer.MIN_UDP_PAYLOAD;
        if (additional == 1) {
            if (end - p != EMPTY_OPT_BYTES) return NOT_PLAIN;
            if (wire[p] != 0 || u16(wire, p + 1) != Type.OPT) return NOT_PLAIN;
            int payload = u16(wire, p + 3);
            // wire[p + 5] is the extended rcode, meaningless in a query and ignored like the full path does.
            if (wire[p + 6] != 0) return NOT_PLAIN; // version: BADVERS comes from the full path
            int flags = u16(wire, p + 7);
            if (u16(wire, p + 9) != 0) return NOT_PLAIN; // options, validated by dnsjava's parser
            edns = (flags & ExtendedFlags.DO) != 0 ? EDNS_DO : EDNS;
            udpLimit = Math.max(DnsAnswerer.MIN_UDP_PAYLOAD, Math.min(payload, DnsAnswerer.MAX_UDP_PAYLOAD));
        } else if (p != end) {
            return NOT_PLAIN;
        }
        return nameLength | (long) qtype << 8 | (long) edns << 24 | (long) udpLimit << 32;
    }

    /** Bytes of QNAME including the root label; it starts at {@link #QNAME_OFFSET}. */
    static int nameLength(long plain) {
        return (int) (plain & 0xFF);
    }

    static int qtype(long plain) {
        return (int) (plain >>> 8) & 0xFFFF;
    }

    /** {@link #NO_EDNS}, {@link #EDNS} or {@link #EDNS_DO}. */
    static int edns(long plain) {
        return (int) (plain >>> 24) & 0xFF;
    }

    /** The largest UDP response the client accepts: 512 without EDNS, else its payload within [512, 1232]. */
    static int udpLimit(long plain) {
        return (int) (plain >>> 32) & 0xFFFF;
    }

    /** Meta-types and types that are not queryable get special rcodes from the full path. */
    private static boolean isOrdinaryQtype(int qtype) {
        return switch (qtype) {
            case Type.OPT, Type.TSIG, Type.TKEY, Type.AXFR, Type.IXFR, Type.MAILA, Type.MAILB -> false;
            default -> true;
        };
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }
}
