package dev.baton.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ConfigFixture;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.dns.AnswerTable;
import dev.baton.agent.dns.Currentness;
import dev.baton.agent.dns.DnsAnswerer;
import dev.baton.agent.dns.WhenIsolated;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The zone an agent answers, built from its config: the NS set and addresses a parent delegates to, the SOA. */
class AnswerTablesTest {
    @TempDir
    Path dir;

    private Message ask(AnswerTable table, String name, int type) throws Exception {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        return new DnsAnswerer(() -> table, Currentness.ALWAYS, WhenIsolated.SERVFAIL).answer(query).response()
                .orElseThrow();
    }

    private static List<String> rdata(Message m, int section) {
        return m.getSection(section).stream().map(r -> r.getName() + " " + Type.string(r.getType()) + " "
                + r.rdataToString()).toList();
    }

    private static DecisionState.View applied(long index) {
        return new DecisionState.View(index, Map.of(), Map.of(), List.of(), List.of(), Map.of(), java.util.Optional.empty());
    }

    @Test
    void byDefaultTheZoneNamesEveryMemberAsANameServerAndAnswersItsAddress() throws Exception {
        BatonConfig config = new ConfigFixture(dir).load(ConfigFixture.example("address: 127.0.0.1:7402",
                "address: 127.0.0.2:7402").replace("address: 127.0.0.1:7403", "address: \"[::1]:7403\""));
        AnswerTable table = new AnswerTables(config).build(applied(7));

        Message ns = ask(table, "ha.example.test.", Type.NS);
        assertThat(ns.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(rdata(ns, Section.ANSWER)).containsExactly("ha.example.test. NS ns1.ha.example.test.",
                "ha.example.test. NS ns2.ha.example.test.", "ha.example.test. NS ns3.ha.example.test.");
        assertThat(rdata(ns, Section.ADDITIONAL)).contains("ns1.ha.example.test. A 127.0.0.1",
                "ns2.ha.example.test. A 127.0.0.2", "ns3.ha.example.test. AAAA 0:0:0:0:0:0:0:1");

        assertThat(rdata(ask(table, "ns2.ha.example.test.", Type.A), Section.ANSWER))
                .containsExactly("ns2.ha.example.test. A 127.0.0.2");
        assertThat(rdata(ask(table, "NS3.ha.example.test.", Type.AAAA), Section.ANSWER))
                .containsExactly("ns3.ha.example.test. AAAA 0:0:0:0:0:0:0:1");
        Message nodata = ask(table, "ns3.ha.example.test.", Type.A);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();

        SOARecord soa = (SOARecord) ask(table, "ha.example.test.", Type.SOA).getSection(Section.ANSWER).get(0);
        assertThat(soa.getHost()).isEqualTo(Name.fromString("ns1.ha.example.test."));
        assertThat(soa.getAdmin()).isEqualTo(Name.fromString("hostmaster.ha.example.test."));
        assertThat(soa.getSerial()).isEqualTo(7);
    }

    @Test
    void configuredNameServersAndHostmasterAreTheZonesAndTheSerialRisesWithEveryDecision() throws Exception {
        BatonConfig config = new ConfigFixture(dir).load(ConfigFixture.example("  ttl: 1s\n", """
                  ttl: 1s
                  nameservers:
                    - {name: ns-a.ha.example.test., address: 192.0.2.1}
                    - {name: ns-a.ha.example.test., address: "2001:db8::1"}
                    - {name: ns.provider.example.}
                  hostmaster: ops@example.com
                """));
        AnswerTables tables = new AnswerTables(config);
        AnswerTable table = tables.build(applied(41));
        assertThat(rdata(ask(table, "ha.example.test.", Type.NS), Section.ANSWER)).containsExactly(
                "ha.example.test. NS ns-a.ha.example.test.", "ha.example.test. NS ns.provider.example.");
        assertThat(rdata(ask(table, "ns-a.ha.example.test.", Type.AAAA), Section.ANSWER))
                .containsExactly("ns-a.ha.example.test. AAAA 2001:db8:0:0:0:0:0:1");
        assertThat(ask(table, "ns1.ha.example.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        SOARecord soa = (SOARecord) ask(table, "ha.example.test.", Type.SOA).getSection(Section.ANSWER).get(0);
        assertThat(soa.getHost()).isEqualTo(Name.fromString("ns-a.ha.example.test."));
        assertThat(soa.getAdmin()).isEqualTo(Name.fromString("ops.example.com."));
        assertThat(soa.getSerial()).isEqualTo(41);
        assertThat(tables.build(applied(42)).serial()).isEqualTo(42);
    }
}
