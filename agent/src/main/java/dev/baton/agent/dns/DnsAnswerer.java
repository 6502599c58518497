package dev.baton.agent.dns;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The pure answering logic of the embedded DNS server: a received message in, the response out, given the
 * current {@link AnswerTable} and {@link Currentness}. No I/O, no clock, no locks.
 *
 * <p>Thread-safe: any number of I/O threads may call it at once. It never throws for any input bytes; what
 * cannot be parsed gets FORMERR (or NOTIMP for another opcode) when it has a header, and nothing otherwise.
 */
public final class DnsAnswerer {

    /** RFC 1035 §2.3.4: the UDP limit without EDNS, and RFC 6891 §6.2.5's floor for advertised sizes. */
    public static final int MIN_UDP_PAYLOAD = 512;
    /** DNS Flag Day 2020: the largest UDP payload we send or advertise, to avoid IP fragmentation. */
    public static final int MAX_UDP_PAYLOAD = 1232;
    /** Bound on following in-zone CNAMEs (RFC 1034 §4.3.2 step 3a), so a loop between services ends. */
    public static final int MAX_CNAME_CHAIN = 8;

    private static final int HEADER_QR = 0x8000;
    private static final int HEADER_RD = 0x0100;
    private static final int HEADER_CD = 0x0010;
    /** RD and CD as bits of the second and third header bytes, for patching cached responses. */
    private static final int RD_BYTE2 = HEADER_RD >>> 8;
    private static final int CD_BYTE3 = HEADER_CD;

    private final Supplier<AnswerTable> tables;
    private final Currentness currentness;
    private final WhenIsolated whenIsolated;

    /**
     * @param tables       the latest table, read once per query (typically {@code AtomicReference::get}); must not
     *                     block; a null table gets SERVFAIL
     * @param currentness  consulted for queries whose answer depends on decisions
     * @param whenIsolated what to answer for those while not current
     */
    public DnsAnswerer(Supplier<AnswerTable> tables, Currentness currentness, WhenIsolated whenIsolated) {
        this.tables = Objects.requireNonNull(tables, "tables");
        this.currentness = Objects.requireNonNull(currentness, "currentness");
        this.whenIsolated = Objects.requireNonNull(whenIsolated, "whenIsolated");
    }

    /** Answers the message in {@code wire[offset, offset+length)}. Never throws for any content. */
    public DnsReply answer(byte[] wire, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, wire.length);
        if (length < Header.LENGTH) return DnsReply.DROPPED_MALFORMED;
        int flags = ((wire[offset + 2] & 0xFF) << 8) | (wire[offset + 3] & 0xFF);
        // Never answer a response: two servers could bounce errors at each other forever.
        if ((flags & HEADER_QR) != 0) return DnsReply.DROPPED_MALFORMED;
        Message query;
        try {
            query = new Message(ByteBuffer.wrap(wire, offset, length));
        } catch (Exception e) { // WireParseException, or a runtime exception from a record's parser
            int id = ((wire[offset] & 0xFF) << 8) | (wire[offset + 1] & 0xFF);
            int opcode = (flags >> 11) & 0xF;
            Message response = headerOnly(id, opcode, flags);
            response.getHeader().setRcode(opcode == Opcode.QUERY ? Rcode.FORMERR : Rcode.NOTIMP);
            return new DnsReply(Optional.of(response), true, MIN_UDP_PAYLOAD);
        }
        return answer(query);
    }

    /** Answers a parsed query. Never throws. */
    public DnsReply answer(Message query) {
        return answer(query, tables, whenIsolated, currentness);
    }

    /**
     * Answers the message in {@code wire[offset, offset+length)} and writes the response, encoded for
     * {@code transport}, into {@code out} from {@code outOffset}: byte for byte what
     * {@code answer(wire, offset, length).toWire(transport)} gives. A {@linkplain PlainQuery plain query} is
     * answered from the table's {@link ResponseCache} without dnsjava and without allocating; the first such
     * query for a question, and everything else, takes the full path. Never throws for any content.
     *
     * @param out room for {@link DnsReply#MAX_TCP_BYTES} bytes from {@code outOffset} over TCP, for
     *            {@link #MAX_UDP_PAYLOAD} over UDP
     * @return the outcome, read with {@link WireOutcome}; its length is 0 when nothing is to be sent
     */
    int answerInto(byte[] wire, int offset, int length, DnsTransport transport, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(offset, length, wire.length);
        long plain = PlainQuery.parse(wire, offset, length);
        AnswerTable table = plain == PlainQuery.NOT_PLAIN ? null : tables.get();
        if (table != null) {
            int nameOffset = offset + PlainQuery.QNAME_OFFSET;
            int nameLength = PlainQuery.nameLength(plain);
            int qtype = PlainQuery.qtype(plain);
            int edns = PlainQuery.edns(plain);
            int hash = ResponseCache.hash(wire, nameOffset, nameLength, qtype, edns);
            ResponseCache cache = table.responses();
            ResponseCache.Entry entry = cache.find(wire, nameOffset, nameLength, qtype, edns, hash);
            if (entry == null) {
                entry = encode(wire, offset, length, table, nameOffset, nameLength, qtype, edns, hash);
                if (entry != null) cache.offer(entry);
            }
            if (entry != null) {
                // Same gate as the full path: only answers that depend on decisions consult currentness.
                boolean isolated = entry.servfail() != null && whenIsolated == WhenIsolated.SERVFAIL
                        && !currentness.isCurrent(entry.service());
                byte[] cached = isolated ? entry.servfail() : entry.answer();
                int limit = transport == DnsTransport.UDP ? PlainQuery.udpLimit(plain) : DnsReply.MAX_TCP_BYTES;
                if (cached.length <= limit) { // else the full path drops RRsets and sets TC
                    System.arraycopy(cached, 0, out, outOffset, cached.length);
                    out[outOffset] = wire[offset]; // ID
                    out[outOffset + 1] = wire[offset + 1];
                    out[outOffset + 2] = (byte) (cached[2] & ~RD_BYTE2 | wire[offset + 2] & RD_BYTE2);
                    out[outOffset + 3] = (byte) (cached[3] & ~CD_BYTE3 | wire[offset + 3] & CD_BYTE3);
                    // The question is echoed exactly as asked (0x20 mixed case); names later in the response
                    // that point to it by compression follow its case, as they would from dnsjava.
                    System.arraycopy(wire, nameOffset, out, outOffset + PlainQuery.QNAME_OFFSET, nameLength);
                    return WireOutcome.of(cached.length, isolated ? entry.servfailRcode() : entry.answerRcode(), false);
                }
            }
        }
        DnsReply reply = answer(wire, offset, length);
        if (reply.response().isEmpty()) return WireOutcome.of(0, 0, reply.malformed());
        byte[] bytes = reply.toWire(transport);
        System.arraycopy(bytes, 0, out, outOffset, bytes.length);
        return WireOutcome.of(bytes.length, reply.rcode(), reply.malformed());
    }

    /**
     * The cache entry for a plain query, from the full path: the answer as if current, and, when the full path
     * consults currentness for it, the SERVFAIL given while not current. Null when the full path does not
     * answer it normally (then it is never cached).
     */
    private static ResponseCache.Entry encode(byte[] wire, int offset, int length, AnswerTable table,
                                              int nameOffset, int nameLength, int qtype, int edns, int hash) {
        Message query;
        try {
            query = new Message(ByteBuffer.wrap(wire, offset, length));
        } catch (Exception e) {
            return null;
        }
        Supplier<AnswerTable> snapshot = () -> table;
        DnsReply current = answer(query, snapshot, WhenIsolated.SERVE_LAST, Currentness.ALWAYS);
        if (current.malformed() || current.response().isEmpty()) return null;
        GateProbe probe = new GateProbe();
        DnsReply isolated = answer(query, snapshot, WhenIsolated.SERVFAIL, probe);
        int rcode = current.rcode();
        return new ResponseCache.Entry(ResponseCache.lowerName(wire, nameOffset, nameLength), qtype, edns, hash,
                current.toWire(DnsTransport.TCP), rcode,
                probe.asked ? isolated.toWire(DnsTransport.TCP) : null, probe.asked ? isolated.rcode() : -1,
                rcode == Rcode.NOERROR, probe.service);
    }

    private static DnsReply answer(Message query, Supplier<AnswerTable> tables, WhenIsolated whenIsolated,
                                   Currentness currentness) {
        Header qh = query.getHeader();
        if (qh.getFlag(Flags.QR)) return DnsReply.DROPPED_MALFORMED;
        int opcode = qh.getOpcode();
        Message response = headerOnly(qh.getID(), opcode, qh.getFlag(Flags.RD) ? HEADER_RD : 0);
        if (qh.getFlag(Flags.CD)) response.getHeader().setFlag(Flags.CD); // RFC 6840 §5.9
        OPTRecord opt = query.getOPT();
        int maxUdp = opt == null ? MIN_UDP_PAYLOAD
                : Math.max(MIN_UDP_PAYLOAD, Math.min(opt.getPayloadSize(), MAX_UDP_PAYLOAD));
        int doFlag = opt == null ? 0 : opt.getFlags() & ExtendedFlags.DO; // RFC 3225 §3: copy DO

        List<Record> questions = query.getSection(Section.QUESTION);
        if (opcode != Opcode.QUERY) {
            if (questions.size() == 1) response.addRecord(questions.get(0), Section.QUESTION);
            return finish(response, Rcode.NOTIMP, opt, doFlag, maxUdp, false);
        }
        if (questions.size() != 1) return finish(response, Rcode.FORMERR, opt, doFlag, maxUdp, true);
        Record question = questions.get(0);
        response.addRecord(question, Section.QUESTION);
        if (countOpt(query) > 1) return finish(response, Rcode.FORMERR, opt, doFlag, maxUdp, true); // RFC 6891 §6.1.1
        if (opt != null && opt.getVersion() != 0) {
            return finish(response, Rcode.BADVERS, opt, doFlag, maxUdp, false); // RFC 6891 §6.1.3
        }

        int qtype = question.getType();
        switch (qtype) {
            case Type.OPT, Type.TSIG, Type.TKEY:
                return finish(response, Rcode.FORMERR, opt, doFlag, maxUdp, true); // not queryable
            case Type.AXFR, Type.IXFR:
                return finish(response, Rcode.REFUSED, opt, doFlag, maxUdp, false); // no zone transfers
            case Type.MAILA, Type.MAILB:
                return finish(response, Rcode.NOTIMP, opt, doFlag, maxUdp, false);
            default:
                break;
        }
        int qclass = question.getDClass();
        if (qclass != DClass.IN && qclass != DClass.ANY) return finish(response, Rcode.REFUSED, opt, doFlag, maxUdp, false);

        AnswerTable table = tables.get();
        if (table == null) return finish(response, Rcode.SERVFAIL, opt, doFlag, maxUdp, false);
        Name qname = question.getName();
        // Not our zone: REFUSED without AA (RFC 1035 §4.1.1; not NXDOMAIN, we are not authoritative there).
        if (!qname.subdomain(table.origin())) return finish(response, Rcode.REFUSED, opt, doFlag, maxUdp, false);

        ZoneNode node = table.lookup(qname);
        // A missing name is decision data too: the service may exist in a newer table.
        if ((node == null || node.serviceData()) && whenIsolated == WhenIsolated.SERVFAIL
                && !currentness.isCurrent(node == null ? null : node.service())) {
            return finish(response, Rcode.SERVFAIL, opt, doFlag, maxUdp, false);
        }
        response.getHeader().setFlag(Flags.AA);
        int rcode = resolve(table, node, qtype, response);
        return finish(response, rcode, opt, doFlag, maxUdp, false);
    }

    /**
     * RFC 1034 §4.3.2 step 3 within our zone: follow CNAMEs to in-zone names, then answer the data, NODATA or
     * NXDOMAIN for the last name (RFC 6604 §2.1: the rcode is that of the last name). Negative answers carry the
     * SOA in the authority section (RFC 2308 §2.1, §2.2).
     */
    private static int resolve(AnswerTable table, ZoneNode first, int qtype, Message response) {
        ZoneNode node = first;
        for (int hops = 0; ; hops++) {
            if (node == null) {
                response.addRecord(table.negativeSoa(), Section.AUTHORITY);
                return Rcode.NXDOMAIN;
            }
            Record cname = node.cname();
            if (cname != null && qtype != Type.CNAME && qtype != Type.ANY) {
                if (response.findRecord(cname, Section.ANSWER)) return Rcode.NOERROR; // a loop between services
                response.addRecord(cname, Section.ANSWER);
                Name target = ((CNAMERecord) cname).getTarget();
                if (hops + 1 >= MAX_CNAME_CHAIN || !target.subdomain(table.origin())) return Rcode.NOERROR;
                node = table.lookup(target);
                continue;
            }
            List<Record> records = switch (qtype) {
                case Type.ANY -> node.all();
                case Type.CNAME -> cname == null ? List.of() : List.of(cname);
                default -> node.rrset(qtype);
            };
            if (records.isEmpty()) {
                response.addRecord(table.negativeSoa(), Section.AUTHORITY);
                return Rcode.NOERROR;
            }
            for (Record r : records) response.addRecord(r, Section.ANSWER);
            if (qtype == Type.NS) {
                for (Record r : node.additional()) response.addRecord(r, Section.ADDITIONAL);
            }
            return Rcode.NOERROR;
        }
    }

    private static Message headerOnly(int id, int opcode, int queryFlags) {
        Message m = new Message(id);
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(opcode);
        if ((queryFlags & HEADER_RD) != 0) h.setFlag(Flags.RD);
        if ((queryFlags & HEADER_CD) != 0) h.setFlag(Flags.CD);
        return m;
    }

    private static DnsReply finish(Message response, int rcode, OPTRecord queryOpt, int doFlag, int maxUdp,
                                   boolean malformed) {
        response.getHeader().setRcode(rcode & 0xF);
        if (queryOpt != null) {
            // RFC 6891 §6.1.3: the upper 8 bits of the 12-bit rcode travel in the OPT record. Passing anything
            // but rcode >>> 4 here corrupts the rcode (an NXDOMAIN would read back as 51).
            response.addRecord(new OPTRecord(MAX_UDP_PAYLOAD, rcode >>> 4, 0, doFlag), Section.ADDITIONAL);
        }
        return new DnsReply(Optional.of(response), malformed, maxUdp);
    }

    /** Currentness that says "not current" and remembers whether, and for which service, it was asked. */
    private static final class GateProbe implements Currentness {
        boolean asked;
        String service;

        @Override
        public boolean isCurrent(String service) {
            asked = true;
            this.service = service;
            return false;
        }
    }

    private static int countOpt(Message query) {
        int n = 0;
        for (Record r : query.getSection(Section.ADDITIONAL)) {
            if (r.getType() == Type.OPT) n++;
        }
        return n;
    }
}
