package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.dns.ratelimit.RateLimitSettings;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code dns.nameservers}, {@code dns.hostmaster} and {@code dns.rate_limit}. */
class NameServersConfigTest extends ConfigTestSupport {
    private static final String TTL = "  ttl: 1s\n";

    private static String dns(String extra) {
        return ConfigFixture.example(TTL, TTL + extra);
    }

    private static NameServerConfig ns(String name, String address) throws Exception {
        return new NameServerConfig(name, Optional.ofNullable(address == null ? null : InetAddress.getByName(address)));
    }

    @Test
    void byDefaultEachMemberIsANameServerAtItsAddress() throws Exception {
        BatonConfig config = load(ConfigFixture.example("address: 127.0.0.1:7402", "address: \"[2001:db8::2]:7402\""));
        assertThat(config.dns().nameservers()).containsExactly(ns("ns1.ha.example.test.", "127.0.0.1"),
                ns("ns2.ha.example.test.", "2001:db8::2"), ns("ns3.ha.example.test.", "127.0.0.1"));
        assertThat(config.dns().hostmaster()).isEqualTo("hostmaster.ha.example.test.");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void aMemberNamedByHostNameIsANameServerWithoutAddressAndAWarning() throws Exception {
        BatonConfig config = load(ConfigFixture.example("address: 127.0.0.1:7403", "address: node3.example.test:7403"));
        assertThat(config.dns().nameservers()).contains(ns("ns3.ha.example.test.", null));
        assertThat(config.warnings()).extracting(ConfigError::toString).singleElement().asString()
                .startsWith("dns.nameservers: absent").contains("ns3.ha.example.test. has no address");
    }

    @Test
    void explicitNameServersInAndOutOfTheZone() throws Exception {
        BatonConfig config = load(dns("""
                  nameservers:
                    - {name: NS1.ha.example.test, address: 192.0.2.1}
                    - {name: ns1.ha.example.test., address: "2001:db8::1"}
                    - {name: ns.provider.example.}
                  hostmaster: dns-admin@example.com
                """));
        assertThat(config.dns().nameservers()).containsExactly(ns("ns1.ha.example.test.", "192.0.2.1"),
                ns("ns1.ha.example.test.", "2001:db8::1"), ns("ns.provider.example.", null));
        assertThat(config.dns().hostmaster()).isEqualTo("dns-admin.example.com.");
    }

    @Test
    void badNameServersAreNamed() {
        assertThat(errors(dns("""
                  nameservers:
                    - {name: ns1.ha.example.test.}
                    - {name: ns.provider.example., address: 192.0.2.9}
                    - {name: "ns_2", address: 192.0.2.2}
                    - {name: ns4.ha.example.test., address: ten.0.0.1}
                    - {name: ns5.ha.example.test., address: 192.0.2.5}
                    - {name: ns5.ha.example.test., address: 192.0.2.5}
                    - {name: ha.example.test., address: 192.0.2.7}
                  hostmaster: root
                """))).containsExactly(
                "dns.nameservers[0].address: required: ns1.ha.example.test. is inside the zone, so Baton answers"
                        + " its address (and the parent's glue must match it)",
                "dns.nameservers[1].address: ns.provider.example. is outside the zone ha.example.test.: its"
                        + " address is answered by its own zone, not here; remove the address",
                "dns.nameservers[2].name: \"ns_2\" is not a host name (e.g. ns1.ha.example.test.)",
                "dns.nameservers[3].address: \"ten.0.0.1\" is not an IPv4 or IPv6 address",
                "dns.nameservers[5]: duplicate name server ns5.ha.example.test. 192.0.2.5",
                "dns.nameservers[6].name: the zone apex itself cannot be a name server's name; use e.g."
                        + " ns1.ha.example.test.",
                "dns.hostmaster: \"root\" is not a mailbox name (e.g. hostmaster.example.com., or"
                        + " hostmaster@example.com)");
        assertThat(errors(dns("  nameservers: []\n"))).containsExactly("dns.nameservers: must not be empty");
    }

    @Test
    void rateLimitIsOnByDefaultAndConfigurable() throws Exception {
        assertThat(load(ConfigFixture.EXAMPLE).dns().rateLimit()).isEqualTo(RateLimitSettings.DEFAULTS);
        assertThat(RateLimitSettings.DEFAULTS.enabled()).isTrue();
        assertThat(load(dns("  rate_limit: {responses_per_second: 50, slip: 3, window: 5s, ipv6_prefix_length: 48}\n"))
                .dns().rateLimit()).isEqualTo(new RateLimitSettings(50, 3, Duration.ofSeconds(5), 24, 48,
                RateLimitSettings.DEFAULT_MAX_PREFIXES));
        assertThat(load(dns("  rate_limit: {responses_per_second: 0}\n")).dns().rateLimit().enabled()).isFalse();
        assertThat(errors(dns("  rate_limit: {responses_per_second: -1, slip: 11, window: 2h, burst: 3}\n")))
                .containsExactly(
                        "dns.rate_limit.burst: unknown key; allowed: responses_per_second, slip, window,"
                                + " ipv4_prefix_length, ipv6_prefix_length, max_prefixes, exempt_loopback",
                        "dns.rate_limit.responses_per_second: -1 is out of range; it must be from 0 to 1000000",
                        "dns.rate_limit.slip: 11 is out of range; it must be from 0 to 10",
                        "dns.rate_limit.window: \"2h\" must be from 1s to 1h");
    }

    @Test
    void aServiceCannotTakeANameServersName() {
        assertThat(errors(ConfigFixture.example("- name: db", "- name: ns2"))).containsExactly(
                "services[0].name: ns2.ha.example.test. is one of the zone's name servers (dns.nameservers); give the"
                        + " service another name");
    }
}
