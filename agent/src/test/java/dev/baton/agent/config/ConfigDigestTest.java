package dev.baton.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The digest covers what every node must agree on, and nothing that may differ per node. */
class ConfigDigestTest {
    @TempDir
    Path dir;

    private String digest(String yaml) throws Exception {
        return ConfigDigest.of(new ConfigFixture(dir).load(yaml));
    }

    @Test
    void nodeLocalPartsDoNotCount() throws Exception {
        String node1 = digest(ConfigFixture.EXAMPLE);
        String node2 = digest(ConfigFixture.EXAMPLE.replace("node: 1", "node: 2").replace("data/node1", "data/node2")
                .replace("127.0.0.1:7481", "127.0.0.1:7482").replace("127.0.0.1:5301", "127.0.0.1:5302")
                .replace("ttl: 1s", "ttl: 1s\n  rate_limit: {responses_per_second: 50}") + "logging: {format: json}\n");
        assertThat(node2).isEqualTo(node1).hasSize(16).matches("[0-9a-f]+");
    }

    @Test
    void anExecChecksCommandIsLocalButItsTimingCounts() throws Exception {
        String exec = ConfigFixture.example("check: {tcp: \"{address}:5672\"}", "check: {exec: [/opt/node1/check-queue]}");
        assertThat(digest(exec.replace("/opt/node1/", "/usr/local/bin/"))).isEqualTo(digest(exec));
        assertThat(digest(exec.replace("check-queue]", "check-queue], interval: 5s"))).isNotEqualTo(digest(exec));
    }

    @Test
    void theOrderServicesAndInstancesAreWrittenInDoesNotCount() throws Exception {
        String swapped = ConfigFixture.EXAMPLE.replace("""
                  - {name: a, address: 127.0.0.1, priority: 1}
                  - {name: b, address: 127.0.0.2, priority: 2, check: {tcp: "127.0.0.2:5432"}}
            """, """
                  - {name: b, address: 127.0.0.2, priority: 2, check: {tcp: "127.0.0.2:5432"}}
                  - {name: a, address: 127.0.0.1, priority: 1}
            """);
        assertThat(swapped).isNotEqualTo(ConfigFixture.EXAMPLE);
        assertThat(digest(swapped)).isEqualTo(digest(ConfigFixture.EXAMPLE));
    }

    @Test
    void zoneInstancesChecksAndPoliciesCount() throws Exception {
        String base = digest(ConfigFixture.EXAMPLE);
        assertThat(digest(ConfigFixture.example("zone: ha.example.test.", "zone: other.example.test."))).isNotEqualTo(base);
        assertThat(digest(ConfigFixture.example("address: 127.0.0.2, priority: 2", "address: 127.0.0.9, priority: 2")))
                .isNotEqualTo(base);
        assertThat(digest(ConfigFixture.example("priority: 2,", "priority: 3,"))).isNotEqualTo(base);
        assertThat(digest(ConfigFixture.example("rise: 2, fall: 2", "rise: 3, fall: 2"))).isNotEqualTo(base);
        assertThat(digest(ConfigFixture.example("failback: after 30s", "failback: manual"))).isNotEqualTo(base);
        assertThat(digest(ConfigFixture.example("""
                  - {name: q1, address: 127.0.0.3}
            """, """
                  - {name: q1, address: 127.0.0.3}
                  - {name: q2, address: 127.0.0.4}
            """))).isNotEqualTo(base);
    }
}
