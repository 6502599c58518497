package dev.baton.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.publish.vip.NetNsLab;
import dev.baton.agent.publish.vip.NodeNameServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code vip} publisher in three real agent processes, each in a network namespace of its own on one
 * bridge, with a client in a fourth; every address exists only inside those namespaces. Instance a runs on
 * node 1's host and b on node 2's (a TCP server answering its name, on every address of its namespace, so on
 * the VIP too). The client reaches the VIP before and after a failover, the old holder no longer has the
 * address, the client's neighbour entry for the VIP moves to the new holder's MAC without the client asking
 * (the gratuitous ARP), and a holder cut off from the majority drops the address.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VipEndToEndTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration CHANGE = Duration.ofSeconds(20);
    private static final int PORT = 8080;
    private static final String[] NODES = {"n1", "n2", "n3"};

    private Path dir;
    private NetNsLab lab;
    private String vip;
    private NamespacedAgents agents;
    private final Process[] backends = new Process[3];

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        NetNsLab.requireTools("ip", "arping", "curl");
        lab = NetNsLab.create("n1", "n2", "n3", "client");
        vip = lab.spareIpv4(0).getHostAddress();
        agents = new NamespacedAgents(lab, dir);
        for (int id = 1; id <= NODES.length; id++) {
            agents.writeConfig(NODES[id - 1], "vip-e2e", id, List.of(NODES), 3, """
                    services:
                      - name: db
                        check: {tcp: "{address}:%d", interval: 100ms, timeout: 100ms, rise: 2, fall: 2}
                        instances:
                          - {name: a, address: %s, priority: 1, member: 1}
                          - {name: b, address: %s, priority: 2, member: 2}
                        publish:
                          - vip: {address: %s/24, interface: %s}
                    """.formatted(PORT, ip(1), ip(2), vip, NetNsLab.INTERFACE));
        }
        startBackend(1, "a");
        startBackend(2, "b");
        for (String node : NODES) agents.start(node);
        await("node 1 holds the VIP for a").atMost(SETTLE).pollInterval(Duration.ofMillis(100))
                .until(() -> holders().equals(List.of(1)));
    }

    @AfterAll
    void stop() throws IOException {
        if (lab != null) lab.close();
        if (agents != null) AgentCluster.keepLogs(getClass(), Arrays.stream(NODES).map(agents::log).toList());
    }

    @Test
    @Order(1)
    void theClientReachesTheActiveInstanceThroughTheVip() throws Exception {
        assertThat(clientReaches()).contains("a");
        JsonNode publisher = agents.status("n1").orElseThrow().path("services").get(0).path("publishers").get(0);
        assertThat(publisher.path("kind").asText()).isEqualTo("vip");
        assertThat(publisher.path("state").asText()).isEqualTo("in_sync");
    }

    @Test
    @Order(2)
    void aFailoverMovesTheVipAndAnnouncesItToTheClient() throws Exception {
        String mac1 = lab.mac("n1");
        String mac2 = lab.mac("n2");
        await("the client knows the VIP at node 1's MAC").atMost(CHANGE).until(() -> clientNeighbour().equals(mac1));
        backends[1].destroyForcibly(); // instance a dies
        await("node 2 alone holds the VIP").atMost(CHANGE).pollInterval(Duration.ofMillis(50))
                .until(() -> holders().equals(List.of(2)));
        // The client sent nothing in between: its entry moved because node 2 announced the address.
        await("the client's neighbour entry for the VIP moves to node 2").atMost(CHANGE)
                .until(() -> clientNeighbour().equals(mac2));
        assertThat(clientReaches()).contains("b");
    }

    @Test
    @Order(3)
    void aHolderCutOffFromTheMajorityDropsTheVip() throws Exception {
        startBackend(1, "a");
        await("failback: node 1 holds the VIP again").atMost(CHANGE).pollInterval(Duration.ofMillis(50))
                .until(() -> holders().equals(List.of(1)));
        lab.setLinkUp("n1", false); // node 1 (the holder, and the leader) is cut off from everyone
        try {
            await("node 1, no longer current, drops the VIP").atMost(CHANGE).pollInterval(Duration.ofMillis(50))
                    .until(() -> !holds(1));
            await("the majority fails over to b: node 2 holds the VIP").atMost(CHANGE).pollInterval(Duration.ofMillis(50))
                    .until(() -> holds(2));
            assertThat(clientReaches()).contains("b");
        } finally {
            lab.setLinkUp("n1", true);
        }
        await("healed: back to a on node 1").atMost(SETTLE).pollInterval(Duration.ofMillis(100))
                .until(() -> holders().equals(List.of(1)));
    }

    // ---- helpers ----

    private String ip(int id) {
        return lab.ipv4(NODES[id - 1]).getHostAddress();
    }



    private void startBackend(int id, String name) throws IOException {
        Process p = lab.startJava(NODES[id - 1], NodeNameServer.class, name, String.valueOf(PORT), "600");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        if (!"listening".equals(out.readLine())) throw new IllegalStateException("backend " + name + " did not start");
        backends[id] = p;
    }

    /** The nodes whose interface holds the VIP, by id. */
    private List<Integer> holders() throws IOException, InterruptedException {
        List<Integer> out = new ArrayList<>();
        for (int id = 1; id <= NODES.length; id++) if (holds(id)) out.add(id);
        return out;
    }

    private boolean holds(int id) throws IOException, InterruptedException {
        return agents.holds(NODES[id - 1], vip);
    }

    /** What the client reads from the VIP's TCP server, or empty when it cannot connect. */
    private Optional<String> clientReaches() throws IOException, InterruptedException {
        NetNsLab.ExecResult r = lab.exec("client", "curl", "-s", "--max-time", "2", "telnet://" + vip + ":" + PORT);
        String text = r.stdout().strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** The client's neighbour entry (MAC) for the VIP, empty when it has none. */
    private String clientNeighbour() throws IOException, InterruptedException {
        String line = lab.execOk("client", "ip", "neigh", "show", vip, "dev", NetNsLab.INTERFACE).strip();
        int at = line.indexOf("lladdr ");
        return at < 0 ? "" : line.substring(at + 7).split(" ")[0].toLowerCase(java.util.Locale.ROOT);
    }

}
