package dev.baton.agent.dns;

import static dev.baton.agent.dns.TestZones.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ZoneSettingsTest {

    @Test
    void defaultsDeriveNamesFromTheOrigin() {
        ZoneSettings z = ZoneSettings.defaults(name("svc.example.com."), Duration.ofSeconds(5));
        assertThat(z.mname()).isEqualTo(name("ns1.svc.example.com."));
        assertThat(z.rname()).isEqualTo(name("hostmaster.svc.example.com."));
        assertThat(z.nameServers()).containsExactly(name("ns1.svc.example.com."));
        assertThat(z.glue()).isEmpty();
        assertThat(z.negativeTtlSeconds()).isEqualTo(5);
    }

    @Test
    void negativeTtlIsBoundedByMinimum() {
        assertThat(ZoneSettings.defaults(name("z."), Duration.ofHours(1)).negativeTtlSeconds()).isEqualTo(60);
        assertThat(ZoneSettings.defaults(name("z."), Duration.ZERO).negativeTtlSeconds()).isZero();
    }

    @Test
    void rejectsBadValuesNamingTheKey() {
        assertThatThrownBy(() -> ZoneSettings.defaults(name("z."), Duration.ofSeconds(-1)))
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> ZoneSettings.defaults(name("z."), Duration.ofMillis(1500)))
                .hasMessageContaining("ttl").hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> ZoneSettings.defaults(TestZones.name("z"), Duration.ofSeconds(1)))
                .hasMessageContaining("origin").hasMessageContaining("absolute");
        ZoneSettings z = ZoneSettings.defaults(name("z."), Duration.ofSeconds(1));
        assertThatThrownBy(() -> z.withNameServers(List.of(), Map.of())).hasMessageContaining("nameServers");
    }

    @Test
    void glueMustBeForAnInZoneNameServer() {
        ZoneSettings z = ZoneSettings.defaults(name("z."), Duration.ofSeconds(1));
        assertThatThrownBy(() -> z.withNameServers(List.of(name("ns.other.")),
                Map.of(name("ns.other."), List.of(TestZones.ip("192.0.2.1")))))
                .hasMessageContaining("glue").hasMessageContaining("outside the zone");
        assertThatThrownBy(() -> z.withNameServers(List.of(name("ns1.z.")),
                Map.of(name("ns2.z."), List.of(TestZones.ip("192.0.2.1")))))
                .hasMessageContaining("glue").hasMessageContaining("not one of the NS names");
    }
}
