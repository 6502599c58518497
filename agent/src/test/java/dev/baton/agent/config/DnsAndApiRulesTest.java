package dev.baton.agent.config;

import dev.baton.agent.dns.UdpTransportChoice;
import dev.baton.agent.dns.WhenIsolated;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class DnsAndApiRulesTest extends ConfigTestSupport {

    @Test
    void apiListenIsHostPort() throws Exception {
        assertThat(errors(example("listen: 127.0.0.1:7481", "listen: localhost")))
                .containsExactly("api.listen: \"localhost\" is not host:port (the port is missing)");
        assertThat(load(example("listen: 127.0.0.1:7481", "listen: \"[::1]:0\"")).api().listen())
                .isEqualTo(new HostPort("::1", 0));
    }

    @Test
    void dnsListenIsAListOfHostPortWithBracketedIpv6() throws Exception {
        assertThat(load(example("listen: [127.0.0.1:5301]", "listen: [127.0.0.1:5301, \"[::1]:5301\"]")).dns().listen())
                .containsExactly(new HostPort("127.0.0.1", 5301), new HostPort("::1", 5301));
        assertThat(load(example("listen: [127.0.0.1:5301]", "listen: 127.0.0.1:53")).dns().listen())
                .as("a single string is a one-element list").containsExactly(new HostPort("127.0.0.1", 53));
        assertThat(errors(example("listen: [127.0.0.1:5301]", "listen: [127.0.0.1:5301, \"::1:5301\"]")))
                .containsExactly("dns.listen[1]: \"::1:5301\" needs brackets around an IPv6 address, e.g. [::1]:7401");
        assertThat(errors(example("listen: [127.0.0.1:5301]", "listen: []")))
                .containsExactly("dns.listen: must not be empty");
        assertThat(errors(example("listen: [127.0.0.1:5301]", "listen: [127.0.0.1:5301, 127.0.0.1:5301]")))
                .containsExactly("dns.listen[1]: duplicate endpoint 127.0.0.1:5301");
    }

    @Test
    void zoneIsNormalizedToAbsoluteLowerCase() throws Exception {
        assertThat(load(example("zone: ha.example.test.", "zone: HA.Example.test")).dns().zone())
                .isEqualTo("ha.example.test.");
        assertThat(errors(example("zone: ha.example.test.", "zone: ha..example")))
                .containsExactly("dns.zone: \"ha..example\" is not a domain name (labels of letters, digits and"
                        + " hyphens, e.g. ha.example.com)");
        assertThat(errors(example("zone: ha.example.test.", "zone: \".\"")))
                .singleElement().asString().startsWith("dns.zone: \".\" is not a domain name");
        assertThat(errors(example("  zone: ha.example.test.\n", ""))).containsExactly("dns.zone: required");
    }

    @Test
    void ttlIsWholeSecondsFromZeroToAnHour() throws Exception {
        assertThat(load(example("ttl: 1s", "ttl: 0s")).dns().ttl()).isZero();
        assertThat(load(example("ttl: 1s", "ttl: 1h")).dns().ttlSeconds()).isEqualTo(3600);
        assertThat(load(example("  ttl: 1s\n", "")).dns().ttl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(errors(example("ttl: 1s", "ttl: 61m"))).containsExactly("dns.ttl: \"61m\" must be at most 1h");
        assertThat(errors(example("ttl: 1s", "ttl: 1500ms")))
                .containsExactly("dns.ttl: \"1500ms\" must be whole seconds (DNS TTLs have no fractions)");
        assertThat(errors(example("ttl: 1s", "ttl: 5"))).containsExactly(
                "dns.ttl: expected a duration with a unit (ms, s, m, h), got 5; write e.g. 5ms or 5s");
    }

    @Test
    void whenIsolatedIsServfailOrServeLast() throws Exception {
        assertThat(load(ConfigFixture.EXAMPLE).dns().whenIsolated()).isEqualTo(WhenIsolated.SERVFAIL);
        assertThat(load(example("ttl: 1s", "ttl: 1s\n  when_isolated: serve_last")).dns().whenIsolated())
                .isEqualTo(WhenIsolated.SERVE_LAST);
        assertThat(errors(example("ttl: 1s", "ttl: 1s\n  when_isolated: nxdomain")))
                .containsExactly("dns.when_isolated: \"nxdomain\" is not one of: servfail, serve_last");
    }

    @Test
    void transportIsAutoNativeOrJdkAndAutoByDefault() throws Exception {
        BatonConfig defaults = load(ConfigFixture.EXAMPLE);
        assertThat(defaults.dns().transport()).isEqualTo(UdpTransportChoice.AUTO);
        assertThat(defaults.warnings()).isEmpty();
        for (UdpTransportChoice choice : UdpTransportChoice.values()) {
            BatonConfig config = load(example("ttl: 1s", "ttl: 1s\n  transport: " + choice.name().toLowerCase(Locale.ROOT)));
            assertThat(config.dns().transport()).isEqualTo(choice);
            assertThat(config.warnings()).isEmpty();
        }
        assertThat(errors(example("ttl: 1s", "ttl: 1s\n  transport: io_uring")))
                .containsExactly("dns.transport: \"io_uring\" is not one of: auto, native, jdk");
    }

    @Test
    void transportEpollStillReadsAsNativeWithAWarning() throws Exception {
        // Files written while Netty's epoll transport carried DNS over UDP say `epoll`: they keep working.
        BatonConfig config = load(example("ttl: 1s", "ttl: 1s\n  transport: epoll"));
        assertThat(config.dns().transport()).isEqualTo(UdpTransportChoice.NATIVE);
        assertThat(config.warnings()).extracting(ConfigError::toString).containsExactly(
                "dns.transport: \"epoll\" is now called \"native\" (Baton's own recvmmsg/sendmmsg loop replaced Netty's"
                        + " epoll transport) and reads as native; write native, or auto");
    }

    @Test
    void dnsKeysAreChecked() {
        assertThat(errors(example("ttl: 1s", "ttl: 1s\n  tll: 2s")))
                .containsExactly("dns.tll: unknown key; allowed: listen, zone, ttl, when_isolated, nameservers, hostmaster,"
                        + " rate_limit, transport");
    }
}
