package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ClusterRulesTest extends ConfigTestSupport {

    @Test
    void nameIsRequiredLowerCaseLettersDigitsAndHyphens() throws Exception {
        assertThat(errors(example("  name: demo\n", "")))
                .containsExactly("cluster.name: required");
        assertThat(errors(example("name: demo", "name: \"\"")))
                .containsExactly("cluster.name: must not be empty");
        assertThat(errors(example("name: demo", "name: demo_1")))
                .containsExactly("cluster.name: \"demo_1\" must be 1 to 63 lower-case letters, digits or hyphens");
        assertThat(load(example("name: demo", "name: eu-west-2")).cluster().name()).isEqualTo("eu-west-2");
    }

    @Test
    void nodeMustBeAMemberId() throws Exception {
        assertThat(errors(example("  node: 1", "  node: 9")))
                .containsExactly("cluster.node: 9 is not a member id; members are 1, 2, 3");
        assertThat(errors(example("  node: 1\n", "")))
                .containsExactly("cluster.node: required");
    }

    @Test
    void theNodeMayBeAWitness() throws Exception {
        assertThat(load(example("  node: 1", "  node: 3")).cluster().self().witness()).isTrue();
    }

    @Test
    void memberIdsArePositiveAndUnique() {
        assertThat(errors(example("{id: 2, address: 127.0.0.1:7402}", "{id: 1, address: 127.0.0.1:7402}")))
                .containsExactly("cluster.members[1].id: duplicate member id 1 (also cluster.members[0])");
        assertThat(errors(example("{id: 2, address: 127.0.0.1:7402}", "{id: 0, address: 127.0.0.1:7402}")))
                .containsExactly("cluster.members[1].id: must be a positive whole number, got 0");
        assertThat(errors(example("{id: 2, address: 127.0.0.1:7402}", "{address: 127.0.0.1:7402}")))
                .containsExactly("cluster.members[1].id: required");
    }

    @Test
    void memberAddressesAreHostPortAndUnique() throws Exception {
        assertThat(errors(example("127.0.0.1:7402", "127.0.0.1:7401")))
                .containsExactly("cluster.members[1].address: duplicate member address 127.0.0.1:7401"
                        + " (also cluster.members[0])");
        assertThat(errors(example("127.0.0.1:7402", "127.0.0.1")))
                .containsExactly("cluster.members[1].address: \"127.0.0.1\" is not host:port (the port is missing)");
        assertThat(errors(example("127.0.0.1:7402", "\"::1:7402\"")))
                .containsExactly("cluster.members[1].address: \"::1:7402\" needs brackets around an IPv6 address,"
                        + " e.g. [::1]:7401");
        assertThat(errors(example("127.0.0.1:7402", "127.0.0.1:99999")))
                .containsExactly("cluster.members[1].address: \"127.0.0.1:99999\" has an invalid port; it must be"
                        + " a number from 0 to 65535");
        BatonConfig config = load(example("127.0.0.1:7402", "\"[::1]:7402\"").replace("127.0.0.1:7403", "node-3.example:7403"));
        assertThat(config.cluster().members().get(1).address()).isEqualTo(new HostPort("::1", 7402));
        assertThat(config.cluster().members().get(1).address().toString()).isEqualTo("[::1]:7402");
        assertThat(config.cluster().members().get(2).address()).isEqualTo(new HostPort("node-3.example", 7403));
    }

    @Test
    void needsAtLeastOneMemberAndOneNonWitness() {
        assertThat(errors(example("""
                  members:
                    - {id: 1, address: 127.0.0.1:7401}
                    - {id: 2, address: 127.0.0.1:7402}
                    - {id: 3, address: 127.0.0.1:7403, witness: true}
                """, "  members: []\n")))
                .contains("cluster.members: must not be empty");
        assertThat(errors(example("{id: 1, address: 127.0.0.1:7401}", "{id: 1, address: 127.0.0.1:7401, witness: true}")
                .replace("{id: 2, address: 127.0.0.1:7402}", "{id: 2, address: 127.0.0.1:7402, witness: true}")))
                .containsExactly("cluster.members: at least one member must not be a witness: witnesses never lead");
    }

    @Test
    void dataDirIsRequiredAndResolvedAgainstTheConfigDirectory() throws Exception {
        assertThat(errors(example("  data_dir: data/node1\n", "")))
                .containsExactly("cluster.data_dir: required");
        assertThat(load(ConfigFixture.EXAMPLE).cluster().dataDir())
                .isEqualTo(dir.toAbsolutePath().resolve("data").resolve("node1"));
        assertThat(load(example("data_dir: data/node1", "data_dir: " + dir.resolve("abs"))).cluster().dataDir())
                .isEqualTo(dir.resolve("abs"));
        Files.writeString(dir.resolve("afile"), "x");
        assertThat(errors(example("data_dir: data/node1", "data_dir: afile")))
                .containsExactly("cluster.data_dir: " + dir.toAbsolutePath().resolve("afile") + " exists and is not a directory");
    }

    private static final String DATA_DIR = "  data_dir: data/node1\n";

    private String withTimings(String timings) {
        return example(DATA_DIR, DATA_DIR + "  timings: " + timings + "\n");
    }

    @Test
    void timingsDefaultToLibabsAndEachMayBeSet() throws Exception {
        assertThat(load(example(DATA_DIR, DATA_DIR)).cluster().timings()).isEqualTo(dev.baton.election.Timings.DEFAULTS);
        var timings = load(withTimings("{heartbeat: 200ms, follower_timeout: 3s, candidate_retry: 1s, hold_down: 10s}"))
                .cluster().timings();
        assertThat(timings.heartbeatMillis()).isEqualTo(200);
        assertThat(timings.followerTimeoutMillis()).isEqualTo(3000);
        assertThat(timings.candidateRetryMillis()).isEqualTo(1000);
        assertThat(timings.holdDownMillis()).isEqualTo(10_000);
        assertThat(load(withTimings("{hold_down: 0s}")).cluster().timings().holdDownMillis()).isZero();
    }

    @Test
    void timingsFollowTheElectionsRules() {
        assertThat(errors(withTimings("{heartbeat: 5ms}")))
                .containsExactly("cluster.timings.heartbeat: \"5ms\" must be at least 10ms (the election's tick)");
        assertThat(errors(withTimings("{heartbeat: 500ms}")))
                .containsExactly("cluster.timings.follower_timeout: the default 1s must be at least 3 heartbeats (1500ms)");
        assertThat(errors(withTimings("{follower_timeout: 200ms}")))
                .containsExactly("cluster.timings.follower_timeout: \"200ms\" must be at least 3 heartbeats (300ms)");
        assertThat(errors(withTimings("{follower_timeout: 2m}")))
                .containsExactly("cluster.timings.follower_timeout: \"2m\" must be at most 1m");
        assertThat(errors(withTimings("{candidate_retry: 700ms}")))
                .containsExactly("cluster.timings.candidate_retry: \"700ms\" must be at most 2/3 of follower_timeout (666ms)");
        assertThat(errors(withTimings("{hold_down: 3}")))
                .containsExactly("cluster.timings.hold_down: expected a duration with a unit (ms, s, m, h), got 3;"
                        + " write e.g. 3ms or 3s");
        assertThat(errors(withTimings("{lease: 1s}"))).hasSize(1).first().asString()
                .startsWith("cluster.timings.lease: unknown key");
    }
}
