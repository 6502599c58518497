package dev.baton.agent.e2e;

import static dev.baton.agent.e2e.AgentCluster.BACKUP;
import static dev.baton.agent.e2e.AgentCluster.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.demo.DemoNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishers in real agent processes, through hooks (a shell command writing to a file per node): a service's
 * exec hook runs on the leader only, once per decision, with the decision's fencing token; a new leader
 * delivers the current decision again (at least once); {@code leader.publish}'s exec hook runs on every node
 * for its own role; status shows each publisher's state. The engine, the intents and the lease gate are the
 * production ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HookPublishEndToEndTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration CHANGE = Duration.ofSeconds(20);

    private Path dir;
    private AgentCluster cluster;

    @BeforeAll
    void start(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        cluster = AgentCluster.write(dir, HookPublishEndToEndTest::services);
        cluster.primary().start();
        cluster.startAll();
        awaitEveryNodeAnswers(PRIMARY);
        cluster.backup().start();
    }

    @AfterAll
    void stop() throws IOException {
        if (cluster == null) return;
        cluster.closeKeepingLogs(getClass());
    }

    private static String services(int node, int port, Path dir) {
        String moved = dir.resolve("moved-" + node + ".log").toString();
        String role = dir.resolve("role-" + node + ".log").toString();
        return """
                services:
                  - name: web
                    check: {http: "http://{address}:%d/health", interval: 200ms, timeout: 200ms, rise: 2, fall: 2}
                    instances:
                      - {name: a, address: 127.0.0.1, priority: 1}
                      - {name: b, address: 127.0.0.2, priority: 2}
                    publish:
                      - exec: {command: ["/bin/sh", "-c", "echo {instance} {address} {previous_instance} {term} {index} >> %s"], timeout: 5s}
                leader:
                  publish:
                    - exec: {command: ["/bin/sh", "-c", "echo {role} >> %s"], timeout: 5s}
                """.formatted(port, moved, role);
    }

    @Test
    @Order(1)
    void theServiceHookRunsOnTheLeaderOnlyOncePerDecisionAndTheRoleHookOnEveryNode() throws Exception {
        int leader = awaitSettledLeader();
        await("the leader ran the hook for a").atMost(SETTLE).until(() -> lines("moved", leader).stream()
                .anyMatch(l -> l.startsWith("a 127.0.0.1 ")));
        cluster.primary().stop();
        awaitEveryNodeAnswers(BACKUP);
        await("the leader ran the hook for b").atMost(CHANGE).until(() -> lines("moved", leader).stream()
                .anyMatch(l -> l.startsWith("b 127.0.0.2 a ")));
        JsonNode web = cluster.service(leader, "web").orElseThrow();
        String fence = "term=" + web.path("decided_term").asLong() + " index=";
        String[] last = lines("moved", leader).get(lines("moved", leader).size() - 1).split(" ");
        assertThat(fence + last[4]).as("the hook got the decision's fencing token")
                .isEqualTo(publisher(web).path("fence").asText());
        assertThat(lines("moved", leader).stream().filter(l -> l.startsWith("b ")).count())
                .as("one run per decision").isEqualTo(1);
        JsonNode hook = publisher(web);
        assertThat(hook.path("kind").asText()).isEqualTo("exec");
        assertThat(hook.path("state").asText()).isEqualTo("in_sync");
        assertThat(hook.path("published").asText()).isNotEmpty();
        for (int node = 1; node <= AgentCluster.SIZE; node++) {
            if (node == leader) continue;
            assertThat(lines("moved", node)).as("node " + node + " does not lead: it never runs the hook").isEmpty();
            assertThat(publisher(cluster.service(node, "web").orElseThrow()).path("state").asText()).isEqualTo("standby");
        }
        for (int node = 1; node <= AgentCluster.SIZE; node++) {
            List<String> roles = lines("role", node);
            assertThat(roles).as("node " + node + "'s role hook").isNotEmpty();
            assertThat(roles.get(roles.size() - 1)).isEqualTo(node == leader ? "leader" : "follower");
        }
    }

    @Test
    @Order(2)
    void aNewLeaderDeliversTheCurrentDecisionAgainAndItsRoleHookSaysLeader() throws Exception {
        int old = awaitSettledLeader();
        cluster.node(old).kill();
        int leader = await("a new leader").atMost(SETTLE).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.leader().orElse(old), id -> id != old);
        await("the new leader ran the hook for the current decision").atMost(CHANGE)
                .until(() -> lines("moved", leader).stream().anyMatch(l -> l.startsWith("b 127.0.0.2 ")));
        await("the new leader's role hook says leader").atMost(CHANGE).until(() -> {
            List<String> roles = lines("role", leader);
            return !roles.isEmpty() && roles.get(roles.size() - 1).equals("leader");
        });
        cluster.node(old).start();
    }

    private static JsonNode publisher(JsonNode service) {
        return service.path("publishers").get(0);
    }

    private List<String> lines(String what, int node) {
        Path file = dir.resolve(what + "-" + node + ".log");
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void awaitEveryNodeAnswers(String address) {
        await("web answered " + address + " by every node").atMost(SETTLE).pollInterval(Duration.ofMillis(50))
                .until(() -> java.util.stream.IntStream.rangeClosed(1, AgentCluster.SIZE)
                        .allMatch(n -> address.equals(cluster.answer(n, "web"))));
    }

    private int awaitSettledLeader() {
        await("node 1 leads, as every node sees it").atMost(SETTLE).pollInterval(Duration.ofMillis(100))
                .until(() -> java.util.stream.IntStream.rangeClosed(1, AgentCluster.SIZE).allMatch(n -> cluster.status(n)
                        .map(s -> s.path("leader").asInt() == 1 && s.path("current").asBoolean()).orElse(false)));
        return 1;
    }
}
