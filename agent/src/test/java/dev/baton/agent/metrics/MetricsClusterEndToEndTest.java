package dev.baton.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.agent.demo.DemoNode;
import dev.baton.agent.e2e.AgentCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of three real agent processes ({@link AgentCluster}: node 3 a witness): every node agrees on
 * the leader and the term and sees its peers, the per-node verdicts are the same on every node, and a failover
 * shows on every node (the active instance moves, a decision is counted, the primary's checks fail).
 */
class MetricsClusterEndToEndTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private AgentCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) cluster.closeKeepingLogs(getClass());
    }

    @Test
    void everyNodeShowsTheSameLeaderTermAndVerdictsAndTheFailover(@TempDir Path dir) throws Exception {
        cluster = AgentCluster.write(dir, (id, port, d) -> """
                services:
                  - name: web
                    check: {http: "http://{address}:%d/health", interval: 200ms, timeout: 200ms, rise: 2, fall: 2}
                    instances:
                      - {name: a, address: %s, priority: 1}
                      - {name: b, address: %s, priority: 2}
                """.formatted(port, AgentCluster.PRIMARY, AgentCluster.BACKUP));
        cluster.primary().start();
        cluster.backup().start();
        cluster.startAll();

        await("every node's metrics show a active, one leader and one term").atMost(SETTLE).ignoreExceptionsInstanceOf(java.io.IOException.class).untilAsserted(() -> {
            Map<Integer, PrometheusText> scrapes = scrapeAll();
            double leaders = 0;
            for (DemoNode n : cluster.nodes()) {
                PrometheusText m = scrapes.get(n.id());
                String self = String.valueOf(n.id());
                leaders += m.value("baton_leading");
                assertThat(m.value("baton_term")).isEqualTo(scrapes.get(1).value("baton_term"));
                assertThat(m.value("baton_leader_node")).isEqualTo(scrapes.get(1).value("baton_leader_node")).isPositive();
                assertThat(m.value("baton_current")).isEqualTo(1);
                assertThat(m.value("baton_active", "service", "web", "instance", "a")).isEqualTo(1);
                for (DemoNode peer : cluster.nodes()) {
                    if (peer.id() != n.id()) {
                        assertThat(m.value("baton_peer_reachable", "node", String.valueOf(peer.id()))).isEqualTo(1);
                    }
                    // The decision's evidence is replicated: every node shows the same per-node verdicts.
                    String node = String.valueOf(peer.id());
                    assertThat(m.value("baton_verdict", "service", "web", "instance", "a", "node", node))
                            .isEqualTo(scrapes.get(1).value("baton_verdict", "service", "web", "instance", "a", "node", node));
                }
                assertThat(cluster.nodes()).filteredOn(peer -> m.value("baton_verdict", "service", "web", "instance", "a",
                        "node", String.valueOf(peer.id())) == 1).hasSizeGreaterThanOrEqualTo(2);
                assertThat(m.value("baton_check_state", "service", "web", "instance", "a", "node", self)).isEqualTo(1);
                assertThat(m.value("baton_transport_frames_received_total")).isPositive();
            }
            assertThat(leaders).isEqualTo(1);
            int leader = (int) scrapes.get(1).value("baton_leader_node");
            assertThat(cluster.status(leader).orElseThrow().path("term").asDouble())
                    .isEqualTo(scrapes.get(leader).value("baton_term"));
        });
        Map<Integer, Double> decisionsBefore = new HashMap<>();
        scrapeAll().forEach((id, m) -> decisionsBefore.put(id, m.value("baton_decisions_total", "service", "web")));

        cluster.primary().stop();

        await("every node's metrics show the failover to b").atMost(SETTLE).ignoreExceptionsInstanceOf(java.io.IOException.class).untilAsserted(() -> {
            Map<Integer, PrometheusText> scrapes = scrapeAll();
            for (DemoNode n : cluster.nodes()) {
                PrometheusText m = scrapes.get(n.id());
                String self = String.valueOf(n.id());
                assertThat(m.value("baton_active", "service", "web", "instance", "b")).isEqualTo(1);
                assertThat(m.value("baton_active", "service", "web", "instance", "a")).isEqualTo(0);
                assertThat(m.value("baton_decisions_total", "service", "web")).isGreaterThan(decisionsBefore.get(n.id()));
                assertThat(m.value("baton_check_state", "service", "web", "instance", "a", "node", self)).isEqualTo(0);
                assertThat(m.value("baton_check_results_total", "service", "web", "instance", "a", "node", self,
                        "result", "fail")).isPositive();
                // The decision rests on a majority seeing a down (a node whose check had not run yet may say up),
                // and every node shows the same evidence.
                int down = 0;
                for (DemoNode peer : cluster.nodes()) {
                    String node = String.valueOf(peer.id());
                    double verdict = m.value("baton_verdict", "service", "web", "instance", "a", "node", node);
                    assertThat(verdict).isEqualTo(scrapes.get(1).value("baton_verdict", "service", "web", "instance", "a",
                            "node", node));
                    if (verdict == 0) down++;
                }
                assertThat(down).isGreaterThanOrEqualTo(2);
            }
        });
    }

    private Map<Integer, PrometheusText> scrapeAll() throws Exception {
        Map<Integer, PrometheusText> out = new HashMap<>();
        for (DemoNode n : cluster.nodes()) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.apiPort()
                    + "/metrics")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("node " + n.id()).isEqualTo(200);
            out.put(n.id(), PrometheusText.parse(r.body()));
        }
        return out;
    }
}
