package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.config.publish.DigitalOceanDnsConfig;
import dev.baton.agent.config.publish.DigitalOceanFloatingIpConfig;
import dev.baton.agent.config.publish.ExecHookConfig;
import dev.baton.agent.config.publish.RecordType;
import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.config.publish.VipConfig;
import dev.baton.agent.config.publish.WebhookConfig;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code services[].publish}, {@code leader.publish}, droplet ids and members: the contract of issue 6. */
class PublishConfigTest extends ConfigTestSupport {
    private static final String TOKEN = "dop_v1_0123456789abcdef";
    private static final String TSIG_SECRET = Base64.getEncoder().encodeToString(new byte[32]);

    /** The issue's example, on addresses of this machine. */
    private static final String FULL = """
            cluster:
              name: demo
              node: 1
              members:
                - {id: 1, address: 127.0.0.1:7401, droplet_id: 3164494}
                - {id: 2, address: 127.0.0.1:7402, droplet_id: 3164495}
                - {id: 3, address: 127.0.0.1:7403, witness: true}
              key_file: cluster.key
              data_dir: data/node1
            dns:
              listen: [127.0.0.1:5301]
              zone: ha.example.test.
            services:
              - name: db
                check: {tcp: "{address}:5432"}
                instances:
                  - {name: a, address: 10.0.0.5, priority: 1, droplet_id: 3164444, member: 1}
                  - {name: b, address: 10.0.1.5, priority: 2, droplet_id: 3164445, member: 2}
                publish:
                  - rfc2136:
                      server: 127.0.0.1:5353
                      zone: ext.example.com.
                      record: db.ext.example.com.
                      type: A
                      ttl: 5s
                      tsig: {name: baton-key, algorithm: hmac-sha256, secret_file: tsig.secret}
                  - digitalocean_dns:
                      domain: example.com
                      record: db
                      type: A
                      ttl: 30s
                      token_file: do.token
                      api_url: http://127.0.0.1:9999
                  - digitalocean_floating_ip:
                      ip: 203.0.113.10
                      token_file: do.token
                  - vip: {address: 10.0.0.100/24, interface: eth0}
                  - exec: {command: ["/usr/local/bin/db-moved", "{service}", "{instance}", "{address}", "{term}"], timeout: 10s}
                  - webhook: {url: "https://hooks.example.com/baton", timeout: 5s, token_file: hook.token}
            leader:
              publish:
                - digitalocean_floating_ip: {ip: 203.0.113.11, token_file: do.token}
                - vip: {address: 10.0.0.101/24, interface: eth0}
                - exec: {command: ["/usr/local/bin/role", "{role}", "{term}"], timeout: 10s}
            """;

    @BeforeEach
    void secrets() throws Exception {
        fixture.writeSecret("do.token", TOKEN + "\n");
        fixture.writeSecret("hook.token", "hook-secret\n");
        fixture.writeSecret("tsig.secret", TSIG_SECRET + "\n");
    }

    @Test
    void theIssuesExampleLoadsWithEveryPublisher() throws Exception {
        BatonConfig config = load(FULL);
        assertThat(config.warnings()).isEmpty();
        ServiceConfig db = config.service("db").orElseThrow();
        assertThat(db.instance("a").orElseThrow().dropletId()).contains(3164444L);
        assertThat(db.instance("b").orElseThrow().member()).contains(2);
        assertThat(config.cluster().members().get(0).dropletId()).contains(3164494L);
        assertThat(db.publish()).hasSize(6);

        Rfc2136Config rfc = (Rfc2136Config) db.publish().get(0);
        assertThat(rfc.server()).isEqualTo(new HostPort("127.0.0.1", 5353));
        assertThat(rfc.zone()).isEqualTo("ext.example.com.");
        assertThat(rfc.record()).isEqualTo("db.ext.example.com.");
        assertThat(rfc.type()).isEqualTo(RecordType.A);
        assertThat(rfc.ttl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(rfc.tsig().orElseThrow().name()).isEqualTo("baton-key.");
        assertThat(rfc.tsig().orElseThrow().secret().bytes()).isEqualTo(new byte[32]);

        DigitalOceanDnsConfig dns = (DigitalOceanDnsConfig) db.publish().get(1);
        assertThat(dns.record()).isEqualTo("db");
        assertThat(dns.token().text()).isEqualTo(TOKEN);
        assertThat(dns.apiUrl().toString()).isEqualTo("http://127.0.0.1:9999");
        assertThat(((DigitalOceanFloatingIpConfig) db.publish().get(2)).apiUrl().toString())
                .isEqualTo("https://api.digitalocean.com");
        VipConfig vip = (VipConfig) db.publish().get(3);
        assertThat(vip.cidr()).isEqualTo("10.0.0.100/24");
        assertThat(vip.interfaceName()).isEqualTo("eth0");
        assertThat(((ExecHookConfig) db.publish().get(4)).command()).containsExactly(
                "/usr/local/bin/db-moved", "{service}", "{instance}", "{address}", "{term}");
        WebhookConfig hook = (WebhookConfig) db.publish().get(5);
        assertThat(hook.token().orElseThrow().text()).isEqualTo("hook-secret");

        assertThat(config.leaderPublish()).extracting(p -> p.kind())
                .containsExactly("digitalocean_floating_ip", "vip", "exec");
    }

    @Test
    void secretsNeverShowInTheConfigsText() throws Exception {
        String text = load(FULL).toString();
        assertThat(text).doesNotContain(TOKEN).doesNotContain("hook-secret").doesNotContain(TSIG_SECRET)
                .contains("redacted");
    }

    @Test
    void aPublisherThatNeedsADropletOrAMemberNamesTheInstanceWithout() {
        String yaml = FULL.replace("droplet_id: 3164445, member: 2", "priority: 2");
        List<String> errors = errors(yaml.replace("{name: b, address: 10.0.1.5, priority: 2, priority: 2}",
                "{name: b, address: 10.0.1.5, priority: 2}"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("services[0].publish[2].digitalocean_floating_ip:")
                .contains("instance b has no droplet_id"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("services[0].publish[3].vip:")
                .contains("instance b has no member"));
    }

    @Test
    void theLeadersFloatingIpNeedsEveryElectableMembersDroplet() {
        List<String> errors = errors(FULL.replace(", droplet_id: 3164495}", "}"));
        assertThat(errors).containsExactly("leader.publish[0].digitalocean_floating_ip: member 2 has no droplet_id:"
                + " the reserved IP is assigned to the leader's droplet (cluster.members[].droplet_id)");
    }

    @Test
    void anInstancesMemberMustBeAMember() {
        assertThat(errors(FULL.replace("droplet_id: 3164445, member: 2", "droplet_id: 3164445, member: 7")))
                .containsExactly("services[0].instances[1].member: 7 is not a member id; members are 1, 2, 3");
    }

    @Test
    void aMissingOrEmptyTokenFileIsAnErrorAndASharedOneAWarning() throws Exception {
        assertThat(errors(FULL.replace("token_file: hook.token", "token_file: nope.token")))
                .containsExactly("services[0].publish[5].webhook.token_file: file " + dir.resolve("nope.token")
                        + " does not exist");
        fixture.writeSecret("hook.token", "  \n");
        assertThat(errors(FULL)).containsExactly("services[0].publish[5].webhook.token_file: file "
                + dir.resolve("hook.token") + " is empty");
        fixture.writeSecret("hook.token", "hook-secret\n");
        Files.setPosixFilePermissions(dir.resolve("do.token"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(load(FULL).warnings()).extracting(ConfigError::toString).contains(
                "services[0].publish[1].digitalocean_dns.token_file: file " + dir.resolve("do.token")
                        + " is readable by others; restrict it with: chmod 600 " + dir.resolve("do.token"));
    }

    @Test
    void theDigitalOceanTokenMayComeFromTheEnvironment() throws Exception {
        String yaml = FULL.replace("          token_file: do.token\n", "").replace(", token_file: do.token}", "}");
        assertThat(errors(yaml)).contains("services[0].publish[1].digitalocean_dns.token_file: required (or set"
                + " DIGITALOCEAN_TOKEN in the environment)");
        fixture.env().put("DIGITALOCEAN_TOKEN", "from-env");
        DigitalOceanDnsConfig dns = (DigitalOceanDnsConfig) load(yaml).service("db").orElseThrow().publish().get(1);
        assertThat(dns.token().text()).isEqualTo("from-env");
        assertThat(dns.token().source()).isEqualTo("environment variable DIGITALOCEAN_TOKEN");
    }

    @Test
    void aBindKeyFileIsReadAndMustNameTheSameKey() throws Exception {
        fixture.writeSecret("tsig.secret", "key \"baton-key\" {\n\talgorithm hmac-sha256;\n\tsecret \""
                + TSIG_SECRET + "\";\n};\n");
        Rfc2136Config rfc = (Rfc2136Config) load(FULL).service("db").orElseThrow().publish().get(0);
        assertThat(rfc.tsig().orElseThrow().secret().bytes()).isEqualTo(new byte[32]);
        fixture.writeSecret("tsig.secret", "key \"other\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + TSIG_SECRET + "\";\n};\n");
        assertThat(errors(FULL)).containsExactly("services[0].publish[0].rfc2136.tsig.secret_file: file "
                + dir.resolve("tsig.secret") + " defines key other., but tsig.name is baton-key.");
        fixture.writeSecret("tsig.secret", "not base64 at all!\n");
        assertThat(errors(FULL)).containsExactly("services[0].publish[0].rfc2136.tsig.secret_file: file "
                + dir.resolve("tsig.secret") + " holds neither a base64 secret nor a BIND key file (its content is not shown)");
    }

    @Test
    void theRecordTypeIsInferredAndMustFitEveryInstance() throws Exception {
        Rfc2136Config rfc = (Rfc2136Config) load(FULL.replace("          type: A\n          ttl: 5s", "          ttl: 5s"))
                .service("db").orElseThrow().publish().get(0);
        assertThat(rfc.type()).isEqualTo(RecordType.A);
        assertThat(errors(FULL.replace("          type: A\n          ttl: 5s", "          type: AAAA\n          ttl: 5s")))
                .contains("services[0].publish[0].rfc2136.type: instance a has address 10.0.0.5, which a AAAA record"
                        + " cannot hold");
    }

    @Test
    void badValuesAreNamed() {
        assertThat(errors(FULL.replace("record: db.ext.example.com.", "record: db.elsewhere.org.")))
                .containsExactly("services[0].publish[0].rfc2136.record: \"db.elsewhere.org.\" is not inside zone ext.example.com.");
        assertThat(errors(FULL.replace("ttl: 30s", "ttl: 5s")))
                .containsExactly("services[0].publish[1].digitalocean_dns.ttl: 5s is below the minimum of 30s");
        assertThat(errors(FULL.replace("api_url: http://127.0.0.1:9999", "api_url: http://api.example.com")))
                .containsExactly("services[0].publish[1].digitalocean_dns.api_url: must be https (plain http is"
                        + " allowed only to a loopback address, for tests)");
        assertThat(errors(FULL.replace("\"{term}\"], timeout: 10s}\n      - webhook", "\"{trem}\"], timeout: 10s}\n      - webhook")))
                .singleElement().asString().startsWith("services[0].publish[4].exec.command[4]: unknown placeholder {trem}");
        assertThat(errors(FULL.replace("10.0.0.100/24", "10.0.0.100")))
                .containsExactly("services[0].publish[3].vip.address: \"10.0.0.100\" needs a prefix length, e.g. 10.0.0.100/24");
        assertThat(errors(FULL.replace("- vip: {address: 10.0.0.100/24, interface: eth0}", "- vpn: {address: x}")))
                .singleElement().asString().startsWith("services[0].publish[3]: each publish entry is a map with one key");
    }

    @Test
    void leaderPublishTakesOnlyWhatPublishesANode() {
        String yaml = FULL.replace("    - vip: {address: 10.0.0.101/24, interface: eth0}",
                "    - webhook: {url: \"https://hooks.example.com/x\"}");
        assertThat(errors(yaml)).containsExactly("leader.publish[1].webhook: not available under leader.publish, which"
                + " publishes the leader node itself; allowed: digitalocean_floating_ip, vip, exec");
    }

    @Test
    void twoPublishersMayNotOwnTheSameTarget() {
        assertThat(errors(FULL.replace("ip: 203.0.113.11", "ip: 203.0.113.10")))
                .containsExactly("leader.publish[0]: reserved IP 203.0.113.10 is also published by"
                        + " services[0].publish[2]; each can have only one owner");
    }
}
