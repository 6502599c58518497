package dev.baton.agent.dns;

import static dev.baton.agent.dns.TestZones.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class AnswerTableTest {

    private final ZoneSettings zone = TestZones.zone(Duration.ofSeconds(5));

    @Test
    void servicesAreKeyedRelativeToTheZoneAndAbsoluteNamesInsideItAreAccepted() {
        AnswerTable t = AnswerTable.build(zone, 1, Map.of(
                "db", ServiceTarget.parse("192.0.2.1"),
                "web.svc.example.com.", ServiceTarget.parse("192.0.2.2")));
        assertThat(t.services()).containsOnlyKeys("db", "web");
        assertThat(t.lookup(name("WEB.svc.example.com.")).rrset(Type.A)).hasSize(1);
        assertThat(t.serial()).isEqualTo(1);
        assertThat(t.zone()).isEqualTo(zone);
    }

    @Test
    void emptyTableHasOnlyTheApexAndGlue() {
        AnswerTable t = AnswerTable.empty(zone, 0);
        assertThat(t.lookup(name("svc.example.com.")).rrset(Type.SOA)).hasSize(1);
        assertThat(t.lookup(name("ns1.svc.example.com.")).serviceData()).isFalse();
        assertThat(t.lookup(name("db.svc.example.com."))).isNull();
    }

    @Test
    void ancestorsOfServicesAreEmptyNonTerminalsSubjectToTheGate() {
        AnswerTable t = AnswerTable.build(zone, 1, Map.of("a.b.c", ServiceTarget.parse("192.0.2.1")));
        assertThat(t.lookup(name("b.c.svc.example.com.")).all()).isEmpty();
        assertThat(t.lookup(name("c.svc.example.com.")).serviceData()).isTrue();
        assertThat(t.lookup(name("svc.example.com.")).serviceData()).isFalse();
    }

    @Test
    void rejectsDuplicatesIgnoringCase() {
        Map<String, ServiceTarget> s = new LinkedHashMap<>();
        s.put("db", ServiceTarget.parse("192.0.2.1"));
        s.put("DB", ServiceTarget.parse("192.0.2.2"));
        assertThatThrownBy(() -> AnswerTable.build(zone, 1, s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DB").hasMessageContaining("twice");
    }

    @Test
    void rejectsInvalidNamesNamingTheService() {
        for (String bad : new String[] {"", "a..b", "*", "has space", "db.example.org.", "svc.example.com.", "-x!"}) {
            assertThatThrownBy(() -> AnswerTable.build(zone, 1, Map.of(bad, ServiceTarget.NONE)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service " + bad);
        }
        String tooLong = "x".repeat(63) + "." + "y".repeat(63) + "." + "z".repeat(63) + "." + "w".repeat(63);
        assertThatThrownBy(() -> AnswerTable.build(zone, 1, Map.of(tooLong, ServiceTarget.NONE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service");
    }

    @Test
    void rejectsAServiceNamedLikeAGlueHost() {
        assertThatThrownBy(() -> AnswerTable.build(zone, 1, Map.of("ns1", ServiceTarget.parse("192.0.2.1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NS host name");
    }

    @Test
    void rejectsSerialOutsideThirtyTwoBits() {
        assertThatThrownBy(() -> AnswerTable.empty(zone, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serial");
        assertThatThrownBy(() -> AnswerTable.empty(zone, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThat(AnswerTable.empty(zone, AnswerTable.MAX_SERIAL).serial()).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void updatingSomeServicesAnswersExactlyAsATableBuiltWhole() {
        AnswerTable before = TestZones.table();
        Map<String, ServiceTarget> changed = new LinkedHashMap<>();
        changed.put("db", ServiceTarget.parse("192.0.2.11"));
        changed.put("none", ServiceTarget.parse("2001:db8::77"));
        changed.put("web", ServiceTarget.NONE);
        changed.put("v6", ServiceTarget.parse("db.svc.example.com."));
        AnswerTable updated = before.withServices(TestZones.SERIAL + 1, changed);
        Map<String, ServiceTarget> all = new LinkedHashMap<>(TestZones.services());
        all.putAll(changed);
        AnswerTable whole = AnswerTable.build(before.zone(), TestZones.SERIAL + 1, all);
        assertThat(updated.services()).isEqualTo(whole.services());
        for (String n : java.util.List.of("svc.example.com.", "db.svc.example.com.", "none.svc.example.com.",
                "web.svc.example.com.", "v6.svc.example.com.", "alias.svc.example.com.", "deep.svc.example.com.",
                "a.deep.svc.example.com.", "ns1.svc.example.com.", "nope.svc.example.com.")) {
            ZoneNode u = updated.lookup(name(n));
            ZoneNode w = whole.lookup(name(n));
            assertThat(u).as(n).isEqualTo(w);
        }
        assertThat(updated.negativeSoa()).isEqualTo(whole.negativeSoa());
        assertThat(before.lookup(name("db.svc.example.com.")).rrset(Type.A).get(0).rdataToString())
                .as("the old table is unchanged").isEqualTo("192.0.2.10");
        assertThatThrownBy(() -> before.withServices(50, Map.of("unknown", ServiceTarget.NONE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in this table");
    }
}
