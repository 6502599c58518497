package dev.baton.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.agent.cli.BatonCli;
import dev.baton.agent.demo.LoopbackClusterFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Operator actions through the API of three real agent processes ({@link AgentCluster}, node 3 a witness), each
 * node with {@code api.token_file}: the token rule, a follower forwarding to the leader, every verb and each
 * refusal with its status, the replicated history and event stream, the CLI, actions surviving a restart of
 * every node, and 503 without a leader. Services: {@code imm} (failback immediate), {@code man} (failback
 * manual) and {@code three}, whose instance c (127.0.0.3) has no server and is down. The scenarios run in
 * order on one cluster; each waits for the state it needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorActionsEndToEndTest {
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final Duration CHANGE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOKEN = "e2e-token-0123456789";

    private Path dir;
    private AgentCluster cluster;

    @BeforeAll
    void startCluster(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        cluster = AgentCluster.write(dir, OperatorActionsEndToEndTest::services);
        LoopbackClusterFiles.requireApiToken(dir, TOKEN);
        cluster.primary().start();
        cluster.backup().start();
        cluster.startAll();
        awaitSettled();
    }

    @AfterAll
    void stopCluster() throws IOException {
        if (cluster != null) cluster.closeKeepingLogs(getClass());
    }

    private static String services(int node, int port, Path dir) {
        String timing = "interval: 500ms, timeout: 500ms, rise: 2, fall: 3";
        return "services:\n"
                + AgentCluster.serviceAB("imm", "failback: immediate", port, timing)
                + AgentCluster.serviceAB("man", "failback: manual", port, timing)
                + AgentCluster.serviceAB("three", "", port, timing)
                + "      - {name: c, address: 127.0.0.3, priority: 3}\n";
    }

    // ------------------------------------------------------------------ scenarios

    @Test
    @Order(1)
    void readEndpointsDescribeTheClusterTheServicesAndHealth() throws Exception {
        int leader = leader();
        JsonNode clusterDoc = getJson(1, "/v1/cluster");
        assertThat(clusterDoc.path("leader").asInt()).isEqualTo(leader);
        assertThat(clusterDoc.path("members")).hasSize(3);
        assertThat(clusterDoc.path("members")).allMatch(m -> m.path("reachable").asBoolean());
        assertThat(getJson(leader, "/v1/cluster").path("lease_remaining_ms").asLong()).isPositive();
        assertThat(getJson(2, "/v1/services").path("services")).extracting(s -> s.path("name").asText())
                .containsExactly("imm", "man", "three");
        JsonNode imm = getJson(2, "/v1/services/imm");
        assertThat(imm.path("active").asText()).isEqualTo("a");
        assertThat(imm.path("verdicts").path(String.valueOf(leader)).path("a").asText()).isEqualTo("up");
        assertThat(imm.path("last_change").path("reason").asText()).isNotBlank();
        assertThat(get(2, "/v1/services/nope").statusCode()).isEqualTo(404);
        await("every node is healthy").atMost(CHANGE).until(() -> {
            for (int n = 1; n <= 3; n++) if (get(n, "/v1/health").statusCode() != 200) return false;
            return true;
        });
        // The first entry of a leadership names its leader, in every node's history.
        assertThat(getJson(3, "/v1/history?limit=1000").path("items")).anyMatch(i ->
                i.path("kind").asText().equals("leader") && i.path("leader").asInt() == leader);
    }

    @Test
    @Order(2)
    void aCallWithoutTheRightTokenGets401AndChangesNothing() throws Exception {
        long seq = newestSeq(1);
        HttpResponse<String> none = post(follower(), "/v1/services/imm/switch", "{\"instance\":\"b\"}", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).doesNotContain(TOKEN);
        assertThat(post(leader(), "/v1/services/imm/switch", "{\"instance\":\"b\"}", "wrong").statusCode()).isEqualTo(401);
        assertThat(post(leader(), "/v1/services/imm/drain", "{\"instance\":\"a\"}", TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(newestSeq(1)).isEqualTo(seq);
        for (int n = 1; n <= 3; n++) assertThat(active(n, "imm")).isEqualTo("a");
    }

    @Test
    @Order(3)
    void aFollowerForwardsASwitchToTheLeaderAndEveryNodeAppliesAndRecordsIt() throws Exception {
        int follower = follower();
        int watcher = follower == 2 ? 3 : 2;
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> stream = listen(watcher, events);
        await("node " + watcher + "'s event stream is open").atMost(CHANGE).until(() -> !events.isEmpty());

        HttpResponse<String> r = accepted(() -> follower, "/v1/services/imm/switch", "{\"instance\":\"b\"}");
        assertThat(JSON.readTree(r.body()).path("outcome").asText()).startsWith("switch b accepted; imm moves to b");
        // The reply comes once the node that took the call has applied it.
        assertThat(active(follower, "imm")).isEqualTo("b");
        await("every node has b active").atMost(CHANGE).until(() -> allNodes().stream().allMatch(n -> "b".equals(active(n, "imm"))));

        JsonNode item = getJson(watcher, "/v1/history?service=imm&limit=2").path("items");
        JsonNode action = item.get(0).path("kind").asText().equals("action") ? item.get(0) : item.get(1);
        assertThat(action.path("action").asText()).isEqualTo("switch");
        assertThat(action.path("by").asText()).isEqualTo("127.0.0.1");
        assertThat(action.path("via_node").asInt()).isEqualTo(follower);
        assertThat(action.path("accepted").asBoolean()).isTrue();
        await("the event stream shows the switch").atMost(CHANGE).until(() -> events.stream()
                .anyMatch(e -> e.contains("\"action\":\"switch\"") && e.contains("\"service\":\"imm\"")));
        stream.cancel(true);
        awaitIdenticalHistory();
        // A switched-to instance is not failed back from while it is up, though a is up with better priority.
        assertThat(getJson(1, "/v1/services/imm").path("overrides").path("switched_to").asText()).isEqualTo("b");
        assertThat(active(leader(), "imm")).isEqualTo("b");
    }

    @Test
    @Order(4)
    void eachRefusalHasItsStatusAndReasonAndRefusalsAreInTheHistory() throws Exception {
        int n = follower();
        assertRefused(post(n, "/v1/services/imm/switch", "{\"instance\":\"b\"}", TOKEN), 409, "b is already active");
        assertRefused(post(n, "/v1/services/three/switch", "{\"instance\":\"c\"}", TOKEN), 409,
                "c is not seen healthy by a quorum");
        assertRefused(post(n, "/v1/services/nope/switch", "{\"instance\":\"a\"}", TOKEN), 404, "no service named nope");
        assertRefused(post(n, "/v1/services/imm/switch", "{\"instance\":\"z\"}", TOKEN), 404, "imm has no instance named z");
        assertRefused(post(n, "/v1/services/imm/switch", "{\"instance\":", TOKEN), 400, "not JSON");
        assertRefused(post(n, "/v1/services/imm/unpin", "", TOKEN), 409, "imm is not pinned");
        assertRefused(post(n, "/v1/services/imm/undrain", "{\"instance\":\"a\"}", TOKEN), 409, "a is not drained");
        assertRefused(post(n, "/v1/services/imm/approve-failback", "", TOKEN), 409, "imm fails back by itself");
        assertThat(getJson(n, "/v1/history?service=three&limit=5").path("items")).anyMatch(i ->
                i.path("kind").asText().equals("action") && !i.path("accepted").asBoolean()
                        && i.path("outcome").asText().contains("not seen healthy"));
        for (int node : allNodes()) assertThat(active(node, "three")).isEqualTo("a");
    }

    @Test
    @Order(5)
    void aForcedSwitchDrainAndApprovedFailbackEachMoveTheService() throws Exception {
        // Forced to c, which is down: the policy then fails over away from it on its next pass.
        accepted(this::leader, "/v1/services/three/switch", "{\"instance\":\"c\",\"force\":true}");
        await("three leaves the down instance c").atMost(CHANGE).until(() -> "a".equals(active(leader(), "three")));

        // Draining the active instance moves the service at once, in the same entry.
        HttpResponse<String> drain = accepted(this::follower, "/v1/services/imm/drain", "{\"instance\":\"b\"}");
        assertThat(JSON.readTree(drain.body()).path("outcome").asText()).contains("imm moves to a");
        assertThat(getJson(follower(), "/v1/services/imm").path("overrides").path("drained")).extracting(JsonNode::asText)
                .containsExactly("b");
        assertRefused(post(follower(), "/v1/services/imm/switch", "{\"instance\":\"b\"}", TOKEN), 409,
                "b is drained; undrain it first");

        // failback: manual stays on b after a switch there; approve-failback brings it back to a.
        accepted(this::follower, "/v1/services/man/switch", "{\"instance\":\"b\"}");
        assertThat(active(follower(), "man")).isEqualTo("b");
        accepted(this::follower, "/v1/services/man/approve-failback", "");
        assertThat(active(follower(), "man")).isEqualTo("a");

        // Pinned: switching elsewhere is refused.
        accepted(this::leader, "/v1/services/man/pin", "{\"instance\":\"a\"}");
        assertRefused(post(leader(), "/v1/services/man/switch", "{\"instance\":\"b\"}", TOKEN), 409,
                "man is pinned to a; unpin it first");
        JsonNode status = getJson(3, "/v1/status");
        assertThat(status.path("summary").path("services").path("pinned")).extracting(JsonNode::asText).containsExactly("man");
    }

    @Test
    @Order(6)
    void theCliSwitchesDrainsAndShowsHistoryWithClearRefusals() throws Exception {
        String api = "http://127.0.0.1:" + cluster.node(follower()).apiPort();
        Path tokenFile = dir.resolve("api.token");
        Cli undrain = cli(Map.of(), "undrain", "imm", "b", "--api", api, "--token-file", tokenFile.toString());
        assertThat(undrain.exit).as(undrain.err).isZero();
        assertThat(undrain.out).contains("undrain b accepted");
        Cli again = cli(Map.of("BATON_TOKEN", TOKEN), "undrain", "imm", "b", "--api", api);
        assertThat(again.exit).isEqualTo(1);
        assertThat(again.err).contains("baton undrain: refused: b is not drained");
        Cli noToken = cli(Map.of(), "switch", "imm", "b", "--api", api);
        assertThat(noToken.exit).isEqualTo(1);
        assertThat(noToken.err).contains("the node refused the token (HTTP 401)");
        Cli down = cli(Map.of("BATON_TOKEN", TOKEN), "switch", "three", "c", "--api", api);
        assertThat(down.err).contains("use --force to switch anyway");
        // --config: api.listen and api.token_file come from the node's own config.
        Cli viaConfig = cli(Map.of(), "unpin", "man", "--config", dir.resolve("node" + follower() + ".yaml").toString());
        assertThat(viaConfig.exit).as(viaConfig.err).isZero();
        Cli history = cli(Map.of(), "history", "imm", "--api", api);
        assertThat(history.exit).isZero();
        assertThat(history.out).contains("imm switch b by 127.0.0.1 via node").contains("imm undrain b by 127.0.0.1")
                .contains("REFUSED: b is not drained");
        Cli json = cli(Map.of(), "history", "--json", "--limit", "3", "--api", api);
        assertThat(JSON.readTree(json.out).path("items")).hasSize(3);
    }

    @Test
    @Order(7)
    void overridesAndHistorySurviveARestartOfEveryNode() throws Exception {
        accepted(this::leader, "/v1/services/imm/drain", "{\"instance\":\"b\"}");
        accepted(this::leader, "/v1/services/man/pin", "{\"instance\":\"a\"}");
        awaitIdenticalHistory();
        JsonNode before = getJson(1, "/v1/history?limit=1000").path("items");
        for (int n = 1; n <= 3; n++) cluster.node(n).kill();
        cluster.startAll();
        awaitSettled();
        for (int n : allNodes()) {
            JsonNode imm = getJson(n, "/v1/services/imm");
            assertThat(imm.path("overrides").path("drained")).extracting(JsonNode::asText).containsExactly("b");
            assertThat(getJson(n, "/v1/services/man").path("pinned").asText()).isEqualTo("a");
        }
        JsonNode after = getJson(2, "/v1/history?limit=1000").path("items");
        // Everything recorded before is still there, newest first, behind the new leadership's entries.
        List<JsonNode> tail = new ArrayList<>();
        after.forEach(tail::add);
        assertThat(tail.subList(tail.size() - before.size(), tail.size())).containsExactlyElementsOf(before);
    }

    @Test
    @Order(8)
    void withoutALeaderActionsAndHealthAre503() throws Exception {
        int survivor = follower();
        for (int n : allNodes()) if (n != survivor) cluster.node(n).kill();
        await("node " + survivor + " knows no leader").atMost(CHANGE).until(() -> get(survivor, "/v1/health").statusCode() == 503);
        HttpResponse<String> r = post(survivor, "/v1/services/imm/undrain", "{\"instance\":\"b\"}", TOKEN);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).path("error").asText()).isNotBlank();
    }

    // ------------------------------------------------------------------ helpers

    private void awaitSettled() {
        await("a leader, every node current, every service decided everywhere").atMost(SETTLE)
                .pollInterval(Duration.ofMillis(200)).until(() -> allNodes().stream().allMatch(n -> {
                    Optional<JsonNode> s = cluster.status(n);
                    return s.isPresent() && s.get().path("leader").asInt() != 0 && s.get().path("current").asBoolean()
                            && s.get().path("summary").path("services").path("undecided").asInt() == 0;
                }));
        await("b seen up by every node").atMost(SETTLE).pollInterval(Duration.ofMillis(200)).until(() ->
                allNodes().stream().allMatch(n -> cluster.service(n, "imm")
                        .map(s -> s.path("local_checks").path("b").asText().equals("up")).orElse(false)));
    }

    private void awaitIdenticalHistory() {
        await("every node has the same history").atMost(CHANGE).until(() -> {
            JsonNode one = getJson(1, "/v1/history?limit=1000").path("items");
            return getJson(2, "/v1/history?limit=1000").path("items").equals(one)
                    && getJson(3, "/v1/history?limit=1000").path("items").equals(one);
        });
    }

    /** The node that leads, waiting (bounded) through a moment without one: the machine may be loaded. */
    private int leader() {
        return await("a node leads").atMost(CHANGE).pollInterval(Duration.ofMillis(100))
                .until(cluster::leader, Optional::isPresent).orElseThrow();
    }

    /**
     * Posts until the action is accepted: only a refusal for health ("not seen healthy by a quorum", a check
     * flapping on a loaded machine) or 503 (a leader change) is retried, within {@link #CHANGE}.
     */
    private HttpResponse<String> accepted(java.util.function.IntSupplier node, String path, String body) {
        List<HttpResponse<String>> last = new CopyOnWriteArrayList<>();
        await(path + " accepted").atMost(CHANGE).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> r = post(node.getAsInt(), path, body, TOKEN);
            last.add(r);
            if (r.statusCode() == 200) return true;
            boolean retry = r.statusCode() == 503 || r.statusCode() == 409 && r.body().contains("not seen healthy");
            if (!retry) throw new AssertionError(path + " refused: " + r.statusCode() + " " + r.body());
            return false;
        });
        return last.get(last.size() - 1);
    }

    /** A node that does not lead (node 3, the witness, serves the API like any other). */
    private int follower() {
        int leader = leader();
        return leader == 3 ? 2 : 3;
    }

    private static List<Integer> allNodes() {
        return IntStream.rangeClosed(1, AgentCluster.SIZE).boxed().toList();
    }

    private String active(int node, String service) {
        try {
            return getJson(node, "/v1/services/" + service).path("active").asText();
        } catch (Exception e) {
            return "";
        }
    }

    private long newestSeq(int node) throws Exception {
        return getJson(node, "/v1/history?limit=1").path("items").get(0).path("seq").asLong();
    }

    private URI uri(int node, String path) {
        return URI.create("http://127.0.0.1:" + cluster.node(node).apiPort() + path);
    }

    private HttpResponse<String> get(int node, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(node, path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(int node, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(node, path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(int node, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(node, path)).timeout(Duration.ofSeconds(45))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> r, int status, String reason) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains(reason);
    }

    /** Reads node's event stream into {@code lines} (every line, comments included) until cancelled. */
    private CompletableFuture<Void> listen(int node, List<String> lines) {
        return CompletableFuture.runAsync(() -> {
            try {
                HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(uri(node, "/v1/events")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) lines.add(line);
                }
            } catch (IOException | InterruptedException e) {
                lines.add("closed: " + e);
            }
        });
    }

    private record Cli(int exit, String out, String err) {
    }

    private static Cli cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = BatonCli.commandLine(env::get);
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }
}
