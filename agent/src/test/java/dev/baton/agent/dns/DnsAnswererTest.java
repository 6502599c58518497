package dev.baton.agent.dns;

import static dev.baton.agent.dns.TestZones.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsAnswererTest {

    private final AtomicReference<AnswerTable> table = new AtomicReference<>(TestZones.table());
    private final AtomicBoolean current = new AtomicBoolean(true);
    private DnsAnswerer answerer = new DnsAnswerer(table::get, service -> current.get(), WhenIsolated.SERVFAIL);

    // ---- positive answers ----

    @Test
    void ipv4ServiceAnswersAWithTtlAndAa() {
        Message r = ask("db.svc.example.com.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
        List<Record> answer = r.getSection(Section.ANSWER);
        assertThat(answer).hasSize(1);
        assertThat(((ARecord) answer.get(0)).getAddress().getHostAddress()).isEqualTo("192.0.2.10");
        assertThat(answer.get(0).getTTL()).isEqualTo(5);
        assertThat(r.getSection(Section.AUTHORITY)).isEmpty();
    }

    @Test
    void namesAreCaseInsensitiveAndTheQuestionIsEchoedAsAsked() {
        Message r = ask("dB.SVC.Example.COM.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getSection(Section.ANSWER)).hasSize(1);
        assertThat(r.getQuestion().getName().toString()).isEqualTo("dB.SVC.Example.COM.");
    }

    @Test
    void ipv6ServiceAnswersAaaaAndNodataForA() {
        Message r = ask("v6.svc.example.com.", Type.AAAA);
        assertThat(((AAAARecord) r.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress())
                .isEqualTo("2001:db8:0:0:0:0:0:10");
        assertNodata(ask("v6.svc.example.com.", Type.A), 5);
    }

    @Test
    void ipv4ServiceAnswersNodataForAaaaAndOtherTypes() {
        assertNodata(ask("db.svc.example.com.", Type.AAAA), 5);
        assertNodata(ask("db.svc.example.com.", Type.MX), 5);
    }

    @Test
    void anyAtAnAddressServiceAnswersTheAddress() {
        Message r = ask("db.svc.example.com.", Type.ANY);
        assertThat(types(r, Section.ANSWER)).containsExactly(Type.A);
    }

    @Test
    void hostNameTargetIsAnsweredAsCnameForEveryQtype() {
        for (int qtype : new int[] {Type.A, Type.AAAA, Type.CNAME, Type.ANY, Type.MX}) {
            Message r = ask("web.svc.example.com.", qtype);
            assertThat(r.getRcode()).as(Type.string(qtype)).isEqualTo(Rcode.NOERROR);
            assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
            List<Record> answer = r.getSection(Section.ANSWER);
            assertThat(answer).as(Type.string(qtype)).hasSize(1);
            assertThat(((CNAMERecord) answer.get(0)).getTarget()).isEqualTo(name("web.example.net."));
            assertThat(answer.get(0).getTTL()).isEqualTo(5);
        }
    }

    @Test
    void cnameToAnotherServiceIsFollowedInsideTheZone() {
        Message r = ask("alias.svc.example.com.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(types(r, Section.ANSWER)).containsExactly(Type.CNAME, Type.A);
        assertThat(((ARecord) r.getSection(Section.ANSWER).get(1)).getAddress().getHostAddress()).isEqualTo("192.0.2.10");
        // asking for the CNAME itself does not follow it
        assertThat(types(ask("alias.svc.example.com.", Type.CNAME), Section.ANSWER)).containsExactly(Type.CNAME);
    }

    @Test
    void cnameToAMissingNameInTheZoneIsNxdomainWithTheCname() {
        Message r = ask("dangling.svc.example.com.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN); // RFC 6604: the rcode of the last name
        assertThat(types(r, Section.ANSWER)).containsExactly(Type.CNAME);
        assertThat(types(r, Section.AUTHORITY)).containsExactly(Type.SOA);
    }

    @Test
    void cnameLoopBetweenServicesEnds() {
        Message r = ask("loop1.svc.example.com.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(types(r, Section.ANSWER)).containsExactly(Type.CNAME, Type.CNAME);
    }

    @Test
    void serviceWithoutTargetIsNodata() {
        assertNodata(ask("none.svc.example.com.", Type.A), 5);
        assertNodata(ask("none.svc.example.com.", Type.AAAA), 5);
    }

    @Test
    void nestedServiceNameAndItsEmptyNonTerminal() {
        assertThat(types(ask("a.deep.svc.example.com.", Type.A), Section.ANSWER)).containsExactly(Type.A);
        assertNodata(ask("deep.svc.example.com.", Type.A), 5); // exists (RFC 8020), so not NXDOMAIN
    }

    // ---- apex ----

    @Test
    void apexSoaCarriesTheTableSerialAndTheSettings() {
        Message r = ask("svc.example.com.", Type.SOA);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        SOARecord soa = (SOARecord) r.getSection(Section.ANSWER).get(0);
        assertThat(soa.getSerial()).isEqualTo(TestZones.SERIAL);
        assertThat(soa.getHost()).isEqualTo(name("ns1.svc.example.com."));
        assertThat(soa.getAdmin()).isEqualTo(name("hostmaster.svc.example.com."));
        assertThat(soa.getMinimum()).isEqualTo(ZoneSettings.DEFAULT_MINIMUM.getSeconds());
        assertThat(soa.getTTL()).isEqualTo(5);
    }

    @Test
    void apexNsAnswersEveryNameServerWithGlueInAdditional() {
        Message r = ask("svc.example.com.", Type.NS);
        assertThat(r.getSection(Section.ANSWER).stream().map(rr -> ((NSRecord) rr).getTarget().toString()))
                .containsExactly("ns1.svc.example.com.", "ns2.svc.example.com.", "ns.example.net.");
        assertThat(r.getSection(Section.ADDITIONAL).stream().map(Record::rdataToString))
                .containsExactlyInAnyOrder("192.0.2.53", "2001:db8:0:0:0:0:0:53");
    }

    @Test
    void apexAnyAnswersSoaAndNs() {
        assertThat(types(ask("svc.example.com.", Type.ANY), Section.ANSWER))
                .containsExactly(Type.SOA, Type.NS, Type.NS, Type.NS);
    }

    @Test
    void apexHasNoAddress() {
        assertNodata(ask("svc.example.com.", Type.A), 5);
    }

    @Test
    void glueHostAnswersItsAddresses() {
        assertThat(ask("ns1.svc.example.com.", Type.A).getSection(Section.ANSWER).get(0).rdataToString())
                .isEqualTo("192.0.2.53");
        assertThat(ask("ns1.svc.example.com.", Type.AAAA).getSection(Section.ANSWER).get(0).rdataToString())
                .isEqualTo("2001:db8:0:0:0:0:0:53");
    }

    // ---- negative answers ----

    @Test
    void unknownNameIsNxdomainWithSoa() {
        Message r = ask("nope.svc.example.com.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
        assertThat(types(r, Section.AUTHORITY)).containsExactly(Type.SOA);
        assertThat(r.getSection(Section.AUTHORITY).get(0).getTTL()).isEqualTo(5);
        // nothing exists below a service name
        assertThat(ask("x.db.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        // an in-zone NS name without glue does not exist here either
        assertThat(ask("ns2.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void negativeTtlIsTheSmallerOfSoaMinimumAndTtl() {
        table.set(AnswerTable.build(TestZones.zone(Duration.ofSeconds(300)), 1, TestZones.services()));
        Message nx = ask("nope.svc.example.com.", Type.A);
        assertThat(nx.getSection(Section.AUTHORITY).get(0).getTTL()).isEqualTo(60);
        assertNodata(ask("db.svc.example.com.", Type.AAAA), 60);
        // the SOA answered positively keeps the zone TTL
        assertThat(ask("svc.example.com.", Type.SOA).getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(300);
    }

    @Test
    void nameOutsideTheZoneIsRefusedWithoutAa() {
        for (String outside : List.of("example.com.", "db.example.org.", "com.", ".")) {
            Message r = ask(outside, Type.A);
            assertThat(r.getRcode()).as(outside).isEqualTo(Rcode.REFUSED);
            assertThat(r.getHeader().getFlag(Flags.AA)).as(outside).isFalse();
            assertThat(r.getSection(Section.ANSWER)).isEmpty();
            assertThat(r.getSection(Section.AUTHORITY)).isEmpty();
        }
    }

    @Test
    void zoneTransfersAndOtherClassesAreRefused() {
        assertThat(ask("svc.example.com.", Type.AXFR).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(ask("svc.example.com.", Type.IXFR).getRcode()).isEqualTo(Rcode.REFUSED);
        Message chaos = Message.newQuery(Record.newRecord(name("version.bind."), Type.TXT, DClass.CH));
        assertThat(answer(chaos).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    // ---- protocol errors ----

    @Test
    void otherOpcodesAreNotImplemented() {
        for (int opcode : new int[] {Opcode.IQUERY, Opcode.STATUS, Opcode.NOTIFY, Opcode.UPDATE}) {
            Message q = query("db.svc.example.com.", Type.A);
            q.getHeader().setOpcode(opcode);
            Message r = answer(q);
            assertThat(r.getRcode()).as(Opcode.string(opcode)).isEqualTo(Rcode.NOTIMP);
            assertThat(r.getHeader().getOpcode()).isEqualTo(opcode);
            assertThat(r.getHeader().getID()).isEqualTo(q.getHeader().getID());
            assertThat(r.getSection(Section.ANSWER)).isEmpty();
        }
    }

    @Test
    void questionCountOtherThanOneIsFormerr() {
        Message none = new Message(7);
        DnsReply reply = answerer.answer(wire(none), 0, wire(none).length);
        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(reply.malformed()).isTrue();

        Message two = query("db.svc.example.com.", Type.A);
        two.addRecord(Record.newRecord(name("v6.svc.example.com."), Type.AAAA, DClass.IN), Section.QUESTION);
        DnsReply twoReply = answerer.answer(wire(two), 0, wire(two).length);
        assertThat(twoReply.rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(twoReply.malformed()).isTrue();
    }

    @Test
    void garbageWithAHeaderIsFormerrEchoingTheId() {
        byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 63, 'x', 'y'}; // label runs past the end
        DnsReply reply = answerer.answer(garbage, 0, garbage.length);
        assertThat(reply.malformed()).isTrue();
        Message r = reply.response().orElseThrow();
        assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(r.getHeader().getID()).isEqualTo(0x1234);
        assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(roundTrip(reply, DnsTransport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void unparseableOtherOpcodeIsNotImplemented() {
        byte[] garbage = {0x12, 0x34, 0x10, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 63}; // opcode 2 (STATUS)
        assertThat(answerer.answer(garbage, 0, garbage.length).rcode()).isEqualTo(Rcode.NOTIMP);
    }

    @Test
    void messageInTheMiddleOfABufferIsRead() {
        byte[] q = wire(query("db.svc.example.com.", Type.A));
        byte[] buffer = new byte[q.length + 20];
        java.util.Arrays.fill(buffer, (byte) 0xFF);
        System.arraycopy(q, 0, buffer, 7, q.length);
        DnsReply reply = answerer.answer(buffer, 7, q.length);
        assertThat(reply.malformed()).isFalse();
        assertThat(roundTrip(reply, DnsTransport.UDP).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void tooShortForAHeaderIsDroppedSilently() {
        for (int length = 0; length < 12; length++) {
            DnsReply reply = answerer.answer(new byte[length], 0, length);
            assertThat(reply.response()).isEmpty();
            assertThat(reply.malformed()).isTrue();
        }
    }

    @Test
    void responsesAreNeverAnswered() {
        Message q = query("db.svc.example.com.", Type.A);
        q.getHeader().setFlag(Flags.QR);
        byte[] w = wire(q);
        assertThat(answerer.answer(w, 0, w.length).response()).isEmpty();
    }

    @Test
    void recursionDesiredAndCheckingDisabledAreCopiedButRecursionIsNotAvailable() {
        Message q = query("db.svc.example.com.", Type.A);
        q.getHeader().setFlag(Flags.CD);
        Message r = answer(q);
        assertThat(r.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.CD)).isTrue();
        assertThat(r.getHeader().getFlag(Flags.RA)).isFalse();
    }

    // ---- EDNS ----

    @Test
    void ednsQueryGetsOptWithOurPayloadAndNoExtendedRcode() {
        Message q = query("nope.svc.example.com.", Type.A);
        q.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        DnsReply reply = answerer.answer(wire(q), 0, wire(q).length);
        assertThat(reply.maxUdpBytes()).isEqualTo(1232);
        Message r = roundTrip(reply, DnsTransport.UDP);
        assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN); // not 51: the extended rcode is 0
        OPTRecord opt = r.getOPT();
        assertThat(opt).isNotNull();
        assertThat(opt.getPayloadSize()).isEqualTo(1232);
        assertThat(opt.getExtendedRcode()).isZero();
        assertThat(opt.getVersion()).isZero();
        assertThat(opt.getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
    }

    @Test
    void udpLimitFollowsTheAdvertisedPayloadWithinBounds() {
        assertThat(limitFor(null)).isEqualTo(512);
        assertThat(limitFor(100)).isEqualTo(512);
        assertThat(limitFor(800)).isEqualTo(800);
        assertThat(limitFor(65000)).isEqualTo(1232);
        Message plain = answer(query("db.svc.example.com.", Type.A));
        assertThat(plain.getOPT()).isNull();
    }

    @Test
    void unknownEdnsVersionIsBadvers() {
        Message q = query("db.svc.example.com.", Type.A);
        q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
        Message r = roundTrip(answerer.answer(wire(q), 0, wire(q).length), DnsTransport.UDP);
        assertThat(r.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(r.getOPT().getVersion()).isZero();
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void largeAnswerIsTruncatedOverUdpWithTcAndWholeOverTcp() {
        table.set(TestZones.manyNameServers(40));
        Message q = query("svc.example.com.", Type.NS);
        DnsReply plain = answerer.answer(wire(q), 0, wire(q).length);
        byte[] udp = plain.toWire(DnsTransport.UDP);
        assertThat(udp.length).isLessThanOrEqualTo(512);
        assertThat(DnsReply.isTruncated(udp)).isTrue();
        byte[] tcp = plain.toWire(DnsTransport.TCP);
        assertThat(DnsReply.isTruncated(tcp)).isFalse();
        assertThat(parse(tcp).getSection(Section.ANSWER)).hasSize(40);

        q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        byte[] edns = answerer.answer(wire(q), 0, wire(q).length).toWire(DnsTransport.UDP);
        assertThat(edns.length).isLessThanOrEqualTo(1232);
        assertThat(DnsReply.isTruncated(edns)).isTrue();
        assertThat(parse(edns).getSection(Section.ANSWER)).isEmpty(); // the one NS RRset is dropped whole
        assertThat(parse(edns).getOPT()).isNotNull(); // the OPT survives truncation

        table.set(TestZones.manyNameServers(30));
        byte[] fits = answerer.answer(wire(q), 0, wire(q).length).toWire(DnsTransport.UDP);
        assertThat(DnsReply.isTruncated(fits)).isFalse();
        assertThat(parse(fits).getSection(Section.ANSWER)).hasSize(30);
    }

    // ---- currentness gate and table swaps ----

    @Test
    void whileNotCurrentServiceAndUnknownNamesGetServfailButApexAndGlueAreAnswered() {
        current.set(false);
        for (String n : List.of("db.svc.example.com.", "nope.svc.example.com.", "deep.svc.example.com.")) {
            Message r = ask(n, Type.A);
            assertThat(r.getRcode()).as(n).isEqualTo(Rcode.SERVFAIL);
            assertThat(r.getHeader().getFlag(Flags.AA)).isFalse();
            assertThat(r.getSection(Section.ANSWER)).isEmpty();
        }
        assertThat(types(ask("svc.example.com.", Type.SOA), Section.ANSWER)).containsExactly(Type.SOA);
        assertThat(ask("svc.example.com.", Type.NS).getSection(Section.ANSWER)).hasSize(3);
        assertThat(types(ask("ns1.svc.example.com.", Type.A), Section.ANSWER)).containsExactly(Type.A);
        assertThat(ask("example.org.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);

        current.set(true);
        assertThat(ask("db.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void currentnessIsAskedPerServiceAndForTheWholeZoneWhereAnAnswerDependsOnMore() {
        java.util.List<String> asked = new java.util.ArrayList<>();
        // Current for db only: a node behind on web's decision keeps answering db.
        answerer = new DnsAnswerer(table::get, service -> {
            asked.add(String.valueOf(service));
            return "db".equals(service);
        }, WhenIsolated.SERVFAIL);
        assertThat(ask("db.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask("v6.svc.example.com.", Type.AAAA).getRcode()).isEqualTo(Rcode.SERVFAIL);
        // A CNAME to another service of the zone depends on that service too; a missing name on any service.
        assertThat(ask("alias.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask("nope.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        // A CNAME out of the zone depends on its own service only.
        assertThat(ask("web.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(asked).containsExactly("db", "v6", "null", "null", "web");
    }

    @Test
    void serveLastKeepsAnsweringFromTheTableWhileNotCurrent() {
        answerer = new DnsAnswerer(table::get, service -> current.get(), WhenIsolated.SERVE_LAST);
        current.set(false);
        assertThat(types(ask("db.svc.example.com.", Type.A), Section.ANSWER)).containsExactly(Type.A);
        assertThat(ask("nope.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void aSwappedTableIsAnsweredFromTheNextQuery() {
        table.set(AnswerTable.build(TestZones.zone(Duration.ofSeconds(5)), 43,
                Map.of("db", ServiceTarget.parse("192.0.2.11"))));
        assertThat(ask("db.svc.example.com.", Type.A).getSection(Section.ANSWER).get(0).rdataToString())
                .isEqualTo("192.0.2.11");
        assertThat(((SOARecord) ask("svc.example.com.", Type.SOA).getSection(Section.ANSWER).get(0)).getSerial())
                .isEqualTo(43);
        assertThat(ask("web.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void noTableYetIsServfail() {
        table.set(null);
        assertThat(ask("db.svc.example.com.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    // ---- helpers ----

    private int limitFor(Integer payload) {
        Message q = query("db.svc.example.com.", Type.A);
        if (payload != null) q.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
        return answerer.answer(wire(q), 0, wire(q).length).maxUdpBytes();
    }

    private static void assertNodata(Message r, long negativeTtl) {
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
        assertThat(types(r, Section.AUTHORITY)).containsExactly(Type.SOA);
        assertThat(r.getSection(Section.AUTHORITY).get(0).getTTL()).isEqualTo(negativeTtl);
    }

    private static List<Integer> types(Message m, int section) {
        return m.getSection(section).stream().map(Record::getType).collect(Collectors.toList());
    }

    private static Message query(String qname, int qtype) {
        return Message.newQuery(Record.newRecord(name(qname), qtype, DClass.IN));
    }

    private Message ask(String qname, int qtype) {
        return answer(query(qname, qtype));
    }

    /** Through the wire both ways, as the server does. */
    private Message answer(Message query) {
        byte[] w = wire(query);
        DnsReply reply = answerer.answer(w, 0, w.length);
        assertThat(reply.malformed()).isFalse();
        return roundTrip(reply, DnsTransport.TCP);
    }

    private static Message roundTrip(DnsReply reply, DnsTransport transport) {
        return parse(reply.toWire(transport));
    }

    private static byte[] wire(Message m) {
        return m.toWire();
    }

    private static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (java.io.IOException e) {
            throw new AssertionError("response does not parse", e);
        }
    }
}
