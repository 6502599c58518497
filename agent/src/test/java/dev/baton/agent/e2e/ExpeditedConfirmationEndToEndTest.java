package dev.baton.agent.e2e;

import static dev.baton.agent.e2e.AgentCluster.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expedited confirmation with three real agents: when one node sees an instance change state, the others check
 * that instance at once instead of at their next scheduled run. Instance a's check is an exec of
 * {@code test ! -e <dir>/cut-<node>} (a different file per node), every 3 s with rise and fall 1, so the test
 * decides which node sees a fail. No assertion is on elapsed time: the early runs are counted by the agents
 * ({@code local_checks_expedited} in the status document).
 */
class ExpeditedConfirmationEndToEndTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration CHANGE = Duration.ofSeconds(20);
    private static final Duration INTERVAL = Duration.ofSeconds(3);

    private AgentCluster cluster;

    @AfterEach
    void stop() throws IOException {
        if (cluster != null) cluster.closeKeepingLogs(getClass());
    }

    private static String services(int node, int port, Path dir) {
        return """
                services:
                  - name: quo
                    vantage: quorum
                    instances:
                      - {name: a, address: 127.0.0.1, priority: 1, check: {exec: ["test", "!", "-e", "%s"], interval: 3s, timeout: 1s, rise: 1, fall: 1}}
                      - {name: b, address: 127.0.0.2, priority: 2, check: {tcp: "127.0.0.2:%d", interval: 3s, rise: 1, fall: 1}}
                """.formatted(dir.resolve("cut-" + node), port);
    }

    @Test
    void oneNodeSeeingAnInstanceFailMakesTheOthersCheckItAtOnceWithoutOverturningTheQuorum(@TempDir Path dir)
            throws Exception {
        cluster = AgentCluster.write(dir, ExpeditedConfirmationEndToEndTest::services);
        cluster.primary().start();
        cluster.backup().start();
        cluster.startAll();
        List<Integer> nodes = List.of(1, 2, 3);
        for (int node : nodes) {
            await().atMost(SETTLE).until(() -> PRIMARY.equals(cluster.answer(node, "quo")));
            await().atMost(SETTLE).until(() -> "up".equals(localCheck(node, "local_checks")));
        }
        // Start-up changes are announced too, and each instance is expedited at most once per interval: wait
        // until no expedited run happened for longer than an interval.
        long[] seen = {expedited(2), expedited(3)};
        await().during(INTERVAL.plusMillis(500)).atMost(SETTLE).until(() -> {
            boolean still = expedited(2) == seen[0] && expedited(3) == seen[1];
            seen[0] = expedited(2);
            seen[1] = expedited(3);
            return still;
        });
        long before2 = seen[0];
        long before3 = seen[1];

        Files.createFile(dir.resolve("cut-1"));
        await().atMost(CHANGE).until(() -> "down".equals(localCheck(1, "local_checks")));

        // Nodes 2 and 3 ran a's check because node 1 told them it changed; theirs still pass.
        await().atMost(CHANGE).untilAsserted(() -> {
            assertThat(expedited(2)).isGreaterThan(before2);
            assertThat(expedited(3)).isGreaterThan(before3);
        });
        for (int node : List.of(2, 3)) assertThat(localCheck(node, "local_checks")).isEqualTo("up");
        // The quorum is unchanged: one node's view does not move the answer.
        for (int node : nodes) assertThat(cluster.answer(node, "quo")).isEqualTo(PRIMARY);
    }

    private String localCheck(int node, String field) {
        return cluster.service(node, "quo").map(s -> s.path(field).path("a").asText()).orElse("");
    }

    /** The node's count of expedited runs of a's check; fails (not zero) when the status does not say. */
    private long expedited(int node) {
        JsonNode count = cluster.service(node, "quo").map(s -> s.path("local_checks_expedited").path("a"))
                .orElseThrow(() -> new AssertionError("node " + node + " does not answer its status"));
        assertThat(count.isIntegralNumber()).as("node %d's status has local_checks_expedited.a: %s", node, count).isTrue();
        return count.asLong();
    }
}
