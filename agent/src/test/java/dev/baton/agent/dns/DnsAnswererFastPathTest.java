package dev.baton.agent.dns;

import static dev.baton.agent.dns.TestZones.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link DnsAnswerer#answerInto}'s fast path against the full path: for every kind of answer, every EDNS state,
 * flags and mixed-case names, the bytes sent are exactly those of {@code answer(...).toWire(transport)}, both
 * on the query that fills the cache and on later ones that hit it with another case, ID and flags.
 */
class DnsAnswererFastPathTest {

    private static final String[] NAMES = {
        "db.svc.example.com.", "v6.svc.example.com.", "web.svc.example.com.", "alias.svc.example.com.",
        "dangling.svc.example.com.", "loop1.svc.example.com.", "none.svc.example.com.", "a.deep.svc.example.com.",
        "deep.svc.example.com.", "svc.example.com.", "ns1.svc.example.com.", "ns2.svc.example.com.",
        "nope.svc.example.com.", "x.db.svc.example.com.", "db.example.org.", "com.",
    };
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.CNAME, Type.ANY, Type.MX, Type.NS, Type.SOA, Type.TXT};
    /** Payload sizes to advertise; null means no EDNS. */
    private static final Integer[] PAYLOADS = {null, 512, 1232, 4096, 100};

    private final AtomicReference<AnswerTable> table = new AtomicReference<>(TestZones.table());
    private final AtomicBoolean current = new AtomicBoolean(true);
    private final AtomicInteger currentnessCalls = new AtomicInteger();
    private final Currentness countingCurrentness = service -> {
        currentnessCalls.incrementAndGet();
        return current.get();
    };
    private DnsAnswerer answerer = new DnsAnswerer(table::get, countingCurrentness, WhenIsolated.SERVFAIL);
    private final Random random = new Random(20_250_517);

    @Test
    void everyAnswerKindIsByteIdenticalToTheFullPathOnMissAndOnHit() {
        int checked = 0;
        for (String n : NAMES) {
            for (int qtype : TYPES) {
                for (Integer payload : PAYLOADS) {
                    for (boolean dnssecOk : new boolean[] {false, true}) {
                        if (payload == null && dnssecOk) continue;
                        // the first query fills the cache, the next ones hit it with other IDs, flags and case
                        for (int round = 0; round < 3; round++) {
                            Message q = query(round == 0 ? n : mixedCase(n), qtype, payload, dnssecOk);
                            q.getHeader().setID(random.nextInt(0x10000));
                            if (random.nextBoolean()) q.getHeader().unsetFlag(Flags.RD);
                            if (random.nextBoolean()) q.getHeader().setFlag(Flags.CD);
                            assertSameAsFullPath(q.toWire());
                            checked++;
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(NAMES.length * TYPES.length * 9 * 3);
        assertThat(table.get().responses().size()).as("fast path used").isGreaterThan(NAMES.length * TYPES.length);
    }

    @Test
    void mixedCaseQuestionIsEchoedExactlyWhenTheCacheWasFilledWithAnotherCase() {
        byte[] lower = query("alias.svc.example.com.", Type.A, null, false).toWire();
        assertSameAsFullPath(lower);
        byte[] mixed = query("aLiAs.SVC.example.COM.", Type.A, null, false).toWire();
        byte[] fast = fast(mixed, DnsTransport.UDP);
        assertThat(fast).isEqualTo(slow(mixed, DnsTransport.UDP));
        Message r = parse(fast);
        assertThat(r.getQuestion().getName().toString()).isEqualTo("aLiAs.SVC.example.COM.");
        // the CNAME's owner points to the question by compression, so it follows the question's case
        assertThat(r.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("aLiAs.SVC.example.COM.");
        assertThat(r.getSection(Section.ANSWER)).hasSize(2);
    }

    @Test
    void servfailWhileNotCurrentAndCurrentnessIsConsultedExactlyAsOftenAsOnTheFullPath() {
        for (String n : NAMES) assertSameAsFullPath(query(n, Type.A, null, false).toWire()); // cached while current
        current.set(false);
        for (String n : NAMES) {
            byte[] q = query(mixedCase(n), Type.A, 1232, false).toWire();
            for (int i = 0; i < 2; i++) {
                currentnessCalls.set(0);
                byte[] expected = slow(q, DnsTransport.UDP);
                int slowCalls = currentnessCalls.getAndSet(0);
                byte[] actual = fast(q, DnsTransport.UDP);
                assertThat(actual).as(n).isEqualTo(expected);
                assertThat(currentnessCalls.get()).as(n).isEqualTo(slowCalls);
            }
        }
        assertThat(parse(fast(query("db.svc.example.com.", Type.A, null, false).toWire(), DnsTransport.UDP)).getRcode())
                .isEqualTo(Rcode.SERVFAIL);
        assertThat(parse(fast(query("svc.example.com.", Type.SOA, null, false).toWire(), DnsTransport.UDP)).getRcode())
                .isEqualTo(Rcode.NOERROR);
        current.set(true);
        assertThat(parse(fast(query("db.svc.example.com.", Type.A, null, false).toWire(), DnsTransport.UDP)).getRcode())
                .isEqualTo(Rcode.NOERROR);
    }

    @Test
    void serveLastAnswererSharingTheTableServesTheLastAnswerWhileNotCurrent() {
        byte[] q = query("db.svc.example.com.", Type.A, null, false).toWire();
        assertSameAsFullPath(q); // cached by the SERVFAIL answerer
        answerer = new DnsAnswerer(table::get, countingCurrentness, WhenIsolated.SERVE_LAST);
        current.set(false);
        assertSameAsFullPath(q);
        assertThat(parse(fast(q, DnsTransport.UDP)).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void answersTooLargeForTheClientAreTruncatedByTheFullPathAndWholeOverTcp() {
        table.set(TestZones.manyNameServers(40));
        for (Integer payload : PAYLOADS) {
            byte[] q = query("svc.example.com.", Type.NS, payload, false).toWire();
            for (int i = 0; i < 2; i++) assertSameAsFullPath(q);
            assertThat(DnsReply.isTruncated(fast(q, DnsTransport.UDP))).isTrue();
            assertThat(DnsReply.isTruncated(fast(q, DnsTransport.TCP))).isFalse();
        }
    }

    @Test
    void aNewTableIsAnsweredFromTheNextQuery() {
        byte[] q = query("db.svc.example.com.", Type.A, null, false).toWire();
        assertSameAsFullPath(q);
        table.set(AnswerTable.build(TestZones.zone(Duration.ofSeconds(5)), 43,
                Map.of("db", ServiceTarget.parse("192.0.2.11"))));
        assertSameAsFullPath(q);
        assertThat(parse(fast(q, DnsTransport.UDP)).getSection(Section.ANSWER).get(0).rdataToString())
                .isEqualTo("192.0.2.11");
        table.set(null);
        assertSameAsFullPath(q);
        assertThat(parse(fast(q, DnsTransport.UDP)).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void unusualQueriesTakeTheFullPathWithTheSameResult() {
        List<byte[]> unusual = new ArrayList<>();
        Message two = query("db.svc.example.com.", Type.A, null, false);
        two.addRecord(Record.newRecord(name("v6.svc.example.com."), Type.AAAA, DClass.IN), Section.QUESTION);
        unusual.add(two.toWire());
        Message notify = query("db.svc.example.com.", Type.A, null, false);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        unusual.add(notify.toWire());
        Message cookie = query("db.svc.example.com.", Type.A, null, false);
        cookie.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new CookieOption(new byte[8]))), Section.ADDITIONAL);
        unusual.add(cookie.toWire());
        Message badvers = query("db.svc.example.com.", Type.A, null, false);
        badvers.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
        unusual.add(badvers.toWire());
        unusual.add(query("svc.example.com.", Type.AXFR, null, false).toWire());
        unusual.add(query("svc.example.com.", Type.OPT, null, false).toWire());
        unusual.add(Message.newQuery(Record.newRecord(name("db.svc.example.com."), Type.A, DClass.ANY)).toWire());
        unusual.add(Message.newQuery(Record.newRecord(name("version.bind."), Type.TXT, DClass.CH)).toWire());
        byte[] trailing = Arrays.copyOf(query("db.svc.example.com.", Type.A, null, false).toWire(), 40);
        unusual.add(trailing);
        // the question name as a compression pointer to itself: dnsjava rejects it, FORMERR
        unusual.add(new byte[] {1, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1});
        unusual.add(new byte[] {1, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 'x'});
        unusual.add(new byte[] {1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        unusual.add(new byte[] {1, 2, 3});
        for (byte[] q : unusual) {
            assertThat(PlainQuery.parse(q, 0, q.length)).isEqualTo(PlainQuery.NOT_PLAIN);
            for (int i = 0; i < 2; i++) assertSameAsFullPath(q);
        }
        assertThat(table.get().responses().size()).isZero();
    }

    @Test
    void madeUpNamesCannotCrowdOutRealOnes() {
        for (int i = 0; i < 5000; i++) {
            fast(query("n" + i + ".svc.example.com.", Type.A, null, false).toWire(), DnsTransport.UDP);
        }
        int afterFlood = table.get().responses().size();
        assertThat(afterFlood).isLessThanOrEqualTo(1024 / 4);
        for (String n : NAMES) assertSameAsFullPath(query(n, Type.AAAA, null, false).toWire());
        assertThat(table.get().responses().size()).isGreaterThan(afterFlood);
    }

    /** Mutated valid queries: whatever the bytes, both paths agree, and nothing throws. */
    @Property(tries = 400, seed = "7")
    void mutatedQueriesGetTheSameBytesOnBothPaths(@ForAll @IntRange(min = 0, max = 15) int nameIndex,
                                                  @ForAll @IntRange(min = 0, max = 7) int typeIndex,
                                                  @ForAll @IntRange(min = 0, max = 4) int payloadIndex,
                                                  @ForAll @IntRange(min = 0, max = 63) int position,
                                                  @ForAll @IntRange(min = 0, max = 255) int value) {
        byte[] q = query(NAMES[nameIndex], TYPES[typeIndex], PAYLOADS[payloadIndex], false).toWire();
        assertSameAsFullPath(q); // fill the cache with the valid query
        q[position % q.length] = (byte) value;
        assertSameAsFullPath(q);
        assertSameAsFullPath(q);
    }

    // ---- helpers ----

    private void assertSameAsFullPath(byte[] q) {
        for (DnsTransport transport : DnsTransport.values()) {
            DnsReply reply = answerer.answer(q, 0, q.length);
            byte[] out = new byte[DnsReply.MAX_TCP_BYTES + 7];
            int outcome = answerer.answerInto(q, 0, q.length, transport, out, 7);
            assertThat(WireOutcome.malformed(outcome)).isEqualTo(reply.malformed());
            if (reply.response().isEmpty()) {
                assertThat(WireOutcome.length(outcome)).isZero();
                continue;
            }
            byte[] expected = reply.toWire(transport);
            assertThat(Arrays.copyOfRange(out, 7, 7 + WireOutcome.length(outcome)))
                    .as("%s %s", transport, Arrays.toString(q)).isEqualTo(expected);
            assertThat(WireOutcome.rcode(outcome)).isEqualTo(reply.rcode());
        }
    }

    private byte[] fast(byte[] q, DnsTransport transport) {
        byte[] out = new byte[DnsReply.MAX_TCP_BYTES];
        int outcome = answerer.answerInto(q, 0, q.length, transport, out, 0);
        return Arrays.copyOf(out, WireOutcome.length(outcome));
    }

    private byte[] slow(byte[] q, DnsTransport transport) {
        return answerer.answer(q, 0, q.length).toWire(transport);
    }

    private String mixedCase(String n) {
        StringBuilder b = new StringBuilder(n.length());
        for (char c : n.toCharArray()) b.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        return b.toString();
    }

    private static Message query(String qname, int qtype, Integer payload, boolean dnssecOk) {
        Message q = Message.newQuery(Record.newRecord(name(qname), qtype, DClass.IN));
        if (payload != null) {
            q.addRecord(new OPTRecord(payload, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        return q;
    }

    private static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (java.io.IOException e) {
            throw new AssertionError("response does not parse", e);
        }
    }
}
