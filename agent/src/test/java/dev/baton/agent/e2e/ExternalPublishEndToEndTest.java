package dev.baton.agent.e2e;

import static dev.baton.agent.e2e.AgentCluster.BACKUP;
import static dev.baton.agent.e2e.AgentCluster.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.demo.DemoNode;
import dev.baton.agent.publish.digitalocean.FakeDigitalOcean;
import dev.baton.agent.publish.rfc2136.AuthoritativeServer;
import dev.baton.agent.publish.rfc2136.BindServer;
import dev.baton.agent.publish.rfc2136.KnotServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The external publishers in three real agent processes, against real BIND9 and Knot DNS servers and a local
 * fake of DigitalOcean's API, all on loopback: the record and the reserved IP follow a failover and a failback,
 * the leader's reserved IP follows the leader, status reports each publisher, and a leader paused past its
 * lease (SIGSTOP, then SIGCONT) never overwrites what its successor published.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExternalPublishEndToEndTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration CHANGE = Duration.ofSeconds(20);
    private static final String EXT_ZONE = "ext.example.com.";
    private static final String RECORD = "web.ext.example.com.";
    private static final String TOKEN = "dop_v1_e2e_0123456789";
    private static final String SERVICE_IP = "203.0.113.10";
    private static final String LEADER_IP = "203.0.113.11";
    private static final long DROPLET_A = 1001;
    private static final long DROPLET_B = 1002;

    private Path dir;
    private AgentCluster cluster;
    private BindServer bind;
    private KnotServer knot;
    private FakeDigitalOcean digitalOcean;

    @BeforeAll
    void start(@TempDir Path tempDir) throws IOException {
        dir = tempDir;
        AuthoritativeServer.Key key = AuthoritativeServer.Key.random("baton-key", "hmac-sha256");
        bind = BindServer.start(EXT_ZONE, key);
        knot = KnotServer.start(EXT_ZONE, key);
        digitalOcean = FakeDigitalOcean.start(TOKEN);
        digitalOcean.addDomain("example.com");
        digitalOcean.addReservedIp(SERVICE_IP, null);
        digitalOcean.addReservedIp(LEADER_IP, null);
        secret("tsig.secret", key.secretBase64());
        secret("do.token", TOKEN);
        cluster = AgentCluster.write(dir, (node, port, d) -> services(port), id -> ", droplet_id: " + (200 + id));
        cluster.primary().start();
        cluster.startAll();
        awaitEveryNodeAnswers(PRIMARY);
        cluster.backup().start();
    }

    @AfterAll
    void stop() throws IOException {
        if (cluster != null) {
            cluster.closeKeepingLogs(getClass());
        }
        if (bind != null) bind.close();
        if (knot != null) knot.close();
        if (digitalOcean != null) digitalOcean.close();
    }

    private String services(int port) {
        return """
                services:
                  - name: web
                    check: {http: "http://{address}:%d/health", interval: 200ms, timeout: 200ms, rise: 2, fall: 2}
                    instances:
                      - {name: a, address: 127.0.0.1, priority: 1, droplet_id: %d}
                      - {name: b, address: 127.0.0.2, priority: 2, droplet_id: %d}
                    publish:
                      - rfc2136: {server: "127.0.0.1:%d", zone: %s, record: %s, ttl: 5s, tsig: {name: baton-key, secret_file: tsig.secret}}
                      - rfc2136: {server: "127.0.0.1:%d", zone: %s, record: %s, ttl: 5s, tsig: {name: baton-key, secret_file: tsig.secret}}
                      - digitalocean_dns: {domain: example.com, record: web, ttl: 30s, token_file: do.token, api_url: "%s"}
                      - digitalocean_floating_ip: {ip: %s, token_file: do.token, api_url: "%s"}
                leader:
                  publish:
                    - digitalocean_floating_ip: {ip: %s, token_file: do.token, api_url: "%s"}
                """.formatted(port, DROPLET_A, DROPLET_B, bind.port(), EXT_ZONE, RECORD, knot.port(), EXT_ZONE, RECORD,
                digitalOcean.url(), SERVICE_IP, digitalOcean.url(), LEADER_IP, digitalOcean.url());
    }

    @Test
    @Order(1)
    void everyPublisherHoldsTheActiveInstanceAndTheLeaderHoldsItsOwnAddress() {
        int leader = awaitSettledLeader();
        awaitPublished(PRIMARY, DROPLET_A);
        await("the leader's reserved IP on node 1's droplet").atMost(CHANGE)
                .until(() -> digitalOcean.dropletOf(LEADER_IP), d -> d.equals(Optional.of(201L)));
        JsonNode web = cluster.service(leader, "web").orElseThrow();
        String fence = "term=" + web.path("decided_term").asLong();
        await("every publisher in sync on the leader").atMost(CHANGE).until(() -> publishers(leader).stream()
                .allMatch(p -> p.path("state").asText().equals("in_sync")));
        for (JsonNode p : publishers(leader)) assertThat(p.path("fence").asText()).startsWith(fence + " index=");
        assertThat(bind.lookup(AuthoritativeServer.fenceOf(RECORD), "TXT"))
                .containsExactly("\"" + publishers(leader).get(0).path("fence").asText() + "\"");
        for (int node = 2; node <= AgentCluster.SIZE; node++) {
            int n = node;
            assertThat(publishers(n)).as("node " + n + " does not lead").allSatisfy(p ->
                    assertThat(p.path("state").asText()).isEqualTo("standby"));
        }
        assertThat(digitalOcean.requests()).allSatisfy(r ->
                assertThat(r.header("authorization")).isEqualTo("Bearer " + TOKEN));
    }

    @Test
    @Order(2)
    void aFailoverAndAFailbackArePublishedEverywhereWithTheirFence() throws IOException {
        cluster.primary().stop();
        awaitPublished(BACKUP, DROPLET_B);
        int leader = cluster.leader().orElseThrow();
        JsonNode web = cluster.service(leader, "web").orElseThrow();
        await("every publisher in sync with b").atMost(CHANGE).until(() -> publishers(leader).stream()
                .allMatch(p -> p.path("state").asText().equals("in_sync")));
        for (JsonNode p : publishers(leader)) {
            assertThat(p.path("fence").asText()).startsWith("term=" + web.path("decided_term").asLong() + " index=");
            assertThat(p.path("publish_ms").isNumber()).as(p.path("kind").asText() + " reports its time").isTrue();
        }
        assertThat(digitalOcean.records("example.com", "web", "A")).hasSize(1);
        cluster.primary().start();
        awaitPublished(PRIMARY, DROPLET_A);
    }

    @Test
    @Order(3)
    void aLeaderPausedPastItsLeaseNeverOverwritesWhatItsSuccessorPublished() throws Exception {
        int old = awaitSettledLeader();
        awaitPublished(PRIMARY, DROPLET_A);
        cluster.signal(old, "STOP");
        try {
            int successor = await("a successor leads").atMost(SETTLE).pollInterval(Duration.ofMillis(100))
                    .until(() -> cluster.leader().orElse(old), id -> id != old);
            await("the leader's reserved IP follows the leader").atMost(CHANGE)
                    .until(() -> digitalOcean.dropletOf(LEADER_IP), d -> d.equals(Optional.of(200L + successor)));
            // A decision the paused leader never sees: the primary dies while it sleeps.
            cluster.primary().stop();
            awaitPublished(BACKUP, DROPLET_B);
        } finally {
            cluster.signal(old, "CONT");
        }
        String fence = bind.lookup(AuthoritativeServer.fenceOf(RECORD), "TXT").get(0);
        digitalOcean.clearRequests();
        // Watch while the resumed node finds its lease gone, catches up, and (after the hold-down) leads again.
        List<String> seen = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < until) {
            seen.add(bind.lookup(RECORD, "A") + " " + knot.lookup(RECORD, "A") + " " + digitalOcean.dropletOf(SERVICE_IP)
                    + " " + digitalOcean.records("example.com", "web", "A").stream().map(r -> r.data()).toList());
            Thread.sleep(50); // real processes: watching that nothing changes takes real time
        }
        assertThat(seen).as("never the paused leader's stale a").allSatisfy(s -> assertThat(s).isEqualTo(
                "[127.0.0.2] [127.0.0.2] Optional[" + DROPLET_B + "] [127.0.0.2]"));
        assertThat(bind.lookup(AuthoritativeServer.fenceOf(RECORD), "TXT")).containsExactly(fence);
        assertThat(digitalOcean.writes()).as("nothing to write for web: the successor's publication stands")
                .noneMatch(r -> !r.path().startsWith("/v2/reserved_ips/" + LEADER_IP));
        // The resumed node 1 leads again after the hold-down, legitimately: the leader's address follows.
        int leader = awaitSettledLeader();
        await("the leader's reserved IP on the leader's droplet").atMost(CHANGE)
                .until(() -> digitalOcean.dropletOf(LEADER_IP), d -> d.equals(Optional.of(200L + leader)));
        cluster.primary().start();
        awaitPublished(PRIMARY, DROPLET_A);
    }

    @Test
    @Order(4)
    void statusShowsEachPublisherAndNoSecret() throws Exception {
        int leader = awaitSettledLeader();
        awaitPublished(PRIMARY, DROPLET_A);
        await("every publisher in sync on the leader").atMost(CHANGE).until(() -> publishers(leader).stream()
                .allMatch(p -> p.path("state").asText().equals("in_sync")));
        String api = "http://127.0.0.1:" + cluster.node(leader).apiPort();
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = dev.baton.agent.cli.BatonCli.commandLine(System::getenv);
        cli.setOut(new java.io.PrintWriter(out, true));
        assertThat(cli.execute("status", "--api", api)).isZero();
        String fence = publishers(leader).get(0).path("fence").asText();
        assertThat(out.toString())
                .contains("  publish rfc2136 " + RECORD + " A at 127.0.0.1:" + bind.port() + ": in sync, published "
                        + PRIMARY + " (" + fence + ")")
                .contains("  publish digitalocean_floating_ip reserved IP " + SERVICE_IP + " (DigitalOcean): in sync,"
                        + " published droplet " + DROPLET_A)
                .contains("leader node:\n  publish digitalocean_floating_ip reserved IP " + LEADER_IP);
        java.io.StringWriter json = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(json, true));
        assertThat(cli.execute("status", "--api", api, "--json")).isZero();
        String secret = Files.readString(dir.resolve("tsig.secret")).strip();
        assertThat(json.toString()).doesNotContain(TOKEN).doesNotContain(secret);
        for (DemoNode n : cluster.nodes()) {
            assertThat(Files.readString(n.logFile())).as("node " + n.id() + "'s log").doesNotContain(TOKEN)
                    .doesNotContain(secret);
        }
    }

    // ---- helpers ----

    private void secret(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private void awaitPublished(String address, long droplet) {
        await("BIND, Knot and DigitalOcean publish " + address).atMost(CHANGE).pollInterval(Duration.ofMillis(50))
                .until(() -> bind.lookup(RECORD, "A").equals(List.of(address))
                        && knot.lookup(RECORD, "A").equals(List.of(address))
                        && digitalOcean.records("example.com", "web", "A").stream().map(r -> r.data()).toList()
                        .equals(List.of(address))
                        && digitalOcean.dropletOf(SERVICE_IP).equals(Optional.of(droplet)));
    }

    private List<JsonNode> publishers(int node) {
        JsonNode svc = cluster.service(node, "web").orElseThrow();
        List<JsonNode> out = new ArrayList<>();
        svc.path("publishers").forEach(out::add);
        return out;
    }

    private void awaitEveryNodeAnswers(String address) {
        await("web answered " + address + " by every node").atMost(SETTLE).pollInterval(Duration.ofMillis(50))
                .until(() -> IntStream.rangeClosed(1, AgentCluster.SIZE).allMatch(n -> address.equals(cluster.answer(n, "web"))));
    }

    private int awaitSettledLeader() {
        await("node 1 leads, as every node sees it").atMost(SETTLE).pollInterval(Duration.ofMillis(100))
                .until(() -> IntStream.rangeClosed(1, AgentCluster.SIZE).allMatch(n -> cluster.status(n)
                        .map(s -> s.path("leader").asInt() == 1 && s.path("current").asBoolean()).orElse(false)));
        return 1;
    }
}
