package dev.baton.agent.dns;

import static dev.baton.agent.dns.TestZones.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class PlainQueryTest {

    @Test
    void readsQnameQtypeAndEdnsOfTheCommonQuery() {
        byte[] plain = query("dB.svc.example.com.", Type.AAAA).toWire();
        long p = PlainQuery.parse(plain, 0, plain.length);
        assertThat(PlainQuery.nameLength(p)).isEqualTo(name("db.svc.example.com.").length());
        assertThat(PlainQuery.qtype(p)).isEqualTo(Type.AAAA);
        assertThat(PlainQuery.edns(p)).isEqualTo(PlainQuery.NO_EDNS);
        assertThat(PlainQuery.udpLimit(p)).isEqualTo(512);

        assertThat(ednsOf(4096, 0)).containsExactly(PlainQuery.EDNS, 1232);
        assertThat(ednsOf(800, ExtendedFlags.DO)).containsExactly(PlainQuery.EDNS_DO, 800);
        assertThat(ednsOf(100, 0)).containsExactly(PlainQuery.EDNS, 512);
    }

    @Test
    void aMessageInsideABufferIsRead() {
        byte[] q = query("db.svc.example.com.", Type.A).toWire();
        byte[] buffer = new byte[q.length + 9];
        System.arraycopy(q, 0, buffer, 4, q.length);
        assertThat(PlainQuery.parse(buffer, 4, q.length)).isEqualTo(PlainQuery.parse(q, 0, q.length));
        assertThat(PlainQuery.parse(buffer, 4, q.length + 1)).isEqualTo(PlainQuery.NOT_PLAIN); // a trailing byte
        assertThat(PlainQuery.parse(buffer, 4, q.length - 1)).isEqualTo(PlainQuery.NOT_PLAIN);
    }

    @Test
    void anythingUnusualIsNotPlain() throws Exception {
        Message response = query("db.svc.example.com.", Type.A);
        response.getHeader().setFlag(Flags.QR);
        Message options = query("db.svc.example.com.", Type.A);
        options.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new NSIDOption(new byte[0]))), Section.ADDITIONAL);
        Message version1 = query("db.svc.example.com.", Type.A);
        version1.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
        Message answerInQuery = query("db.svc.example.com.", Type.A);
        answerInQuery.addRecord(Record.fromString(name("db.svc.example.com."), Type.A, DClass.IN, 5, "192.0.2.1",
                name(".")), Section.ANSWER);
        for (Message m : List.of(response, options, version1, answerInQuery, query("svc.example.com.", Type.IXFR),
                query("svc.example.com.", Type.TSIG), Message.newQuery(Record.newRecord(
                        name("db.svc.example.com."), Type.A, DClass.CH)))) {
            byte[] w = m.toWire();
            assertThat(PlainQuery.parse(w, 0, w.length)).as(m.toString()).isEqualTo(PlainQuery.NOT_PLAIN);
        }
        byte[] pointer = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
        assertThat(PlainQuery.parse(pointer, 0, pointer.length)).isEqualTo(PlainQuery.NOT_PLAIN);
        byte[] runsPastTheEnd = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, 'a', 'b', 0, 1, 0, 1};
        assertThat(PlainQuery.parse(runsPastTheEnd, 0, runsPastTheEnd.length)).isEqualTo(PlainQuery.NOT_PLAIN);
    }

    @Test
    void aNameLongerThan255BytesIsNotPlain() {
        byte[] w = new byte[12 + 5 * 64 + 1 + 4];
        w[5] = 1; // QDCOUNT
        for (int label = 0; label < 5; label++) w[12 + label * 64] = 63;
        w[w.length - 3] = 1; // qtype A
        w[w.length - 1] = 1; // class IN
        assertThat(PlainQuery.parse(w, 0, w.length)).isEqualTo(PlainQuery.NOT_PLAIN);
    }

    private static int[] ednsOf(int payload, int flags) {
        Message q = query("db.svc.example.com.", Type.A);
        q.addRecord(new OPTRecord(payload, 0, 0, flags), Section.ADDITIONAL);
        byte[] w = q.toWire();
        long p = PlainQuery.parse(w, 0, w.length);
        return new int[] {PlainQuery.edns(p), PlainQuery.udpLimit(p)};
    }

    private static Message query(String qname, int qtype) {
        return Message.newQuery(Record.newRecord(name(qname), qtype, DClass.IN));
    }
}
