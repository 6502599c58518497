package dev.baton.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceTargetTest {

    @Test
    void parsesAddressesWithoutDnsLookups() {
        assertThat(ServiceTarget.parse("192.0.2.1")).isInstanceOfSatisfying(ServiceTarget.Ip.class,
                ip -> assertThat(ip.isIpv4()).isTrue());
        assertThat(ServiceTarget.parse("2001:db8::1")).isInstanceOfSatisfying(ServiceTarget.Ip.class,
                ip -> assertThat(ip.isIpv4()).isFalse());
        assertThat(ServiceTarget.parse("[2001:db8::1]")).isInstanceOf(ServiceTarget.Ip.class);
    }

    @Test
    void parsesHostNamesAsAbsolute() {
        assertThat(ServiceTarget.parse("db-1.example.net")).isEqualTo(
                new ServiceTarget.HostName(TestZones.name("db-1.example.net.")));
        assertThat(ServiceTarget.parse("db-1.example.net.")).isEqualTo(
                new ServiceTarget.HostName(TestZones.name("db-1.example.net.")));
    }

    @Test
    void blankIsNone() {
        assertThat(ServiceTarget.parse("  ")).isSameAs(ServiceTarget.NONE);
    }

    @Test
    void rejectsWhatIsNeitherNamingTheText() {
        for (String bad : new String[] {"300.1.2.3", "1.2.3", "a b", "db..example", "http://x", "."}) {
            assertThatThrownBy(() -> ServiceTarget.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
    }
}
