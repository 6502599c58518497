package dev.baton.agent.config;

import dev.baton.agent.dns.WhenIsolated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.check.CheckSpec;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest extends ConfigTestSupport {

    @Test
    void loadsTheFullExample() throws Exception {
        BatonConfig config = load(ConfigFixture.EXAMPLE);

        ClusterConfig cluster = config.cluster();
        assertThat(cluster.name()).isEqualTo("demo");
        assertThat(cluster.node()).isEqualTo(1);
        assertThat(cluster.members()).containsExactly(
                new MemberConfig(1, new HostPort("127.0.0.1", 7401), false),
                new MemberConfig(2, new HostPort("127.0.0.1", 7402), false),
                new MemberConfig(3, new HostPort("127.0.0.1", 7403), true));
        assertThat(cluster.self().id()).isEqualTo(1);
        assertThat(cluster.peers()).extracting(MemberConfig::id).containsExactly(2, 3);
        assertThat(cluster.key().bytes()).isEqualTo(ConfigFixture.keyBytes());
        assertThat(cluster.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("data/node1").normalize());

        assertThat(config.api().listen()).isEqualTo(new HostPort("127.0.0.1", 7481));
        assertThat(config.dns()).isEqualTo(new DnsConfig(
                java.util.List.of(new HostPort("127.0.0.1", 5301)), "ha.example.test.", Duration.ofSeconds(1),
                WhenIsolated.SERVFAIL, java.util.List.of(
                        new NameServerConfig("ns1.ha.example.test.", Optional.of(java.net.InetAddress.getByName("127.0.0.1"))),
                        new NameServerConfig("ns2.ha.example.test.", Optional.of(java.net.InetAddress.getByName("127.0.0.1"))),
                        new NameServerConfig("ns3.ha.example.test.", Optional.of(java.net.InetAddress.getByName("127.0.0.1")))),
                "hostmaster.ha.example.test.", dev.baton.agent.dns.ratelimit.RateLimitSettings.DEFAULTS,
                dev.baton.agent.dns.UdpTransportChoice.AUTO));

        ServiceConfig db = config.service("db").orElseThrow();
        assertThat(config.qualifiedName(db)).isEqualTo("db.ha.example.test.");
        assertThat(db.policy()).isEqualTo(SelectionPolicy.FAILOVER);
        assertThat(db.failback()).isEqualTo(new Failback.After(Duration.ofSeconds(30)));
        assertThat(db.vantage()).isEqualTo(Vantage.QUORUM);
        assertThat(db.whenNoneHealthy()).isEqualTo(WhenNoneHealthy.KEEP_LAST);

        CheckSpec.Timing timing = new CheckSpec.Timing(
                Duration.ofMillis(100), Duration.ofMillis(80), 2, 2, Duration.ofMillis(10));
        InstanceConfig a = db.instance("a").orElseThrow();
        assertThat(a.priority()).isEqualTo(1);
        assertThat(a.address()).isInstanceOf(InstanceAddress.Ip.class);
        assertThat(a.address().text()).isEqualTo("127.0.0.1");
        assertThat(a.check()).isEqualTo(new CheckSpec.Http(
                URI.create("http://127.0.0.1:8081/health"), 200, 399, Optional.empty(), false, timing));
        InstanceConfig b = db.instance("b").orElseThrow();
        assertThat(b.priority()).isEqualTo(2);
        assertThat(b.check()).isEqualTo(new CheckSpec.Tcp("127.0.0.2", 5432, timing));

        ServiceConfig queue = config.service("queue").orElseThrow();
        assertThat(queue.instances().get(0).check())
                .isEqualTo(new CheckSpec.Tcp("127.0.0.3", 5672, new CheckSpec.Timing(
                        Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 2, Duration.ofMillis(100))));
    }

    @Test
    void appliesDefaults() throws Exception {
        BatonConfig config = load("""
                cluster:
                  name: x
                  node: 1
                  members: [{id: 1, address: "10.0.0.1:7401"}]
                  key_file: cluster.key
                  data_dir: data
                dns: {listen: ["127.0.0.1:5301"], zone: example.test}
                services:
                  - name: web
                    check: {http: "https://{address}/"}
                    instances: [{name: a, address: 192.0.2.1}, {name: b, address: 192.0.2.2}]
                """);
        assertThat(config.api().listen()).isEqualTo(ApiConfig.DEFAULT_LISTEN);
        assertThat(config.dns().ttl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.dns().whenIsolated()).isEqualTo(WhenIsolated.SERVFAIL);
        assertThat(config.dns().zone()).isEqualTo("example.test.");
        ServiceConfig web = config.services().get(0);
        assertThat(web.policy()).isEqualTo(SelectionPolicy.FAILOVER);
        assertThat(web.failback()).isEqualTo(new Failback.Immediate());
        assertThat(web.vantage()).isEqualTo(Vantage.QUORUM);
        assertThat(web.whenNoneHealthy()).isEqualTo(WhenNoneHealthy.KEEP_LAST);
        assertThat(web.instances()).extracting(InstanceConfig::priority).containsExactly(1, 2);
        assertThat(web.instances().get(1).check()).isEqualTo(new CheckSpec.Http(
                URI.create("https://192.0.2.2/"), 200, 399, Optional.empty(), false,
                new CheckSpec.Timing(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 2, Duration.ofMillis(100))));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String yaml = example("name: demo", "name: Demo")
                .replace("node: 1", "node: one")
                .replace("interval: 100ms", "interval: 0ms");
        assertThat(errors(yaml)).containsExactly(
                "cluster.name: \"Demo\" must be 1 to 63 lower-case letters, digits or hyphens",
                "cluster.node: expected a whole number, got \"one\"",
                "services[0].check.interval: \"0ms\" must be at least 10ms");
    }

    @Test
    void rejectsUnknownKeysNamingTheAllowedOnes() {
        assertThat(errors(example("    policy: failover", "    policy: failover\n    chekc: {tcp: \"x:1\"}")))
                .containsExactly("services[0].chekc: unknown key; allowed: name, policy, failback, vantage,"
                        + " when_none_healthy, check, instances, publish");
        assertThat(errors(example("api:", "apii:\n  listen: 127.0.0.1:1\napi:")))
                .containsExactly("apii: unknown key; allowed: cluster, api, dns, services, leader, logging, history");
    }

    @Test
    void loggingFormatIsTextByDefaultOrJson() throws Exception {
        assertThat(load(ConfigFixture.EXAMPLE).logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(load(ConfigFixture.EXAMPLE + "logging: {format: json}\n").logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(errors(ConfigFixture.EXAMPLE + "logging: {format: xml}\n"))
                .containsExactly("logging.format: \"xml\" is not one of: text, json");
        assertThat(errors(ConfigFixture.EXAMPLE + "logging: {level: debug}\n"))
                .containsExactly("logging.level: unknown key; allowed: format");
    }

    @Test
    void rejectsWrongTypesNamingTheKey() {
        assertThat(errors(example("  ttl: 1s", "  ttl: [1s]")))
                .containsExactly("dns.ttl: expected a string, got a list");
        assertThat(errors(example("witness: true", "witness: maybe")))
                .containsExactly("cluster.members[2].witness: expected true or false, got \"maybe\"");
        assertThat(errors(example("api:\n  listen: 127.0.0.1:7481", "api: 7481")))
                .containsExactly("api: expected a map of keys, got 7481");
        assertThat(errors(example("priority: 2,", "priority: 2.5,")))
                .containsExactly("services[0].instances[1].priority: expected a whole number, got 2.5");
    }

    @Test
    void rejectsInvalidYamlWithItsPosition() {
        assertThat(errors("cluster: {name: demo\n"))
                .singleElement().asString().contains("line 2").contains("not valid YAML");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThat(errors(example("  node: 1", "  node: 1\n  node: 2")))
                .singleElement().asString().contains("not valid YAML").contains("Duplicate field 'node'");
    }

    @Test
    void rejectsEmptyAndMissingFiles() throws Exception {
        assertThat(errors("")).singleElement().asString().endsWith("baton.yaml is empty");
        assertThat(errors("- a\n- b\n")).containsExactly("expected a map of keys, got a list");
        var missing = dir.resolve("nope.yaml");
        try {
            new ConfigLoader(k -> null).load(missing);
        } catch (ConfigException e) {
            assertThat(e.errors()).containsExactly(new ConfigError("", missing + " does not exist"));
            return;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void requiresTheTopLevelSections() {
        assertThat(errors("api: {listen: \"127.0.0.1:1\"}\n")).containsExactly(
                "cluster: required", "dns: required", "services: required");
    }

    @Test
    void configToStringDoesNotShowTheKey() throws Exception {
        BatonConfig config = load(ConfigFixture.EXAMPLE);
        assertThat(config.toString()).doesNotContain(ConfigFixture.KEY_HEX).contains("redacted");
        assertThat(Files.exists(dir.resolve("data"))).as("loading creates nothing").isFalse();
    }
}
