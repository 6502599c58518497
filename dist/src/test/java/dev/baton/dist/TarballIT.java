package dev.baton.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tarball as an operator gets it: unpacked into a fresh directory, its example configs edited only in
 * their ports (free ones, so the test never collides with anything else on the machine), its three nodes
 * started through the packaged {@code bin/baton} with nothing but a Java runtime (a {@code mvn} on PATH that
 * fails proves nothing builds), until they elect a leader and serve.
 */
class TarballIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private UnpackedTarball tarball;

    @BeforeEach
    void unpack() throws Exception {
        tarball = UnpackedTarball.into(dir);
    }

    @Test
    void holdsTheLauncherTheJarTheExampleConfigsAndTheUnit() throws Exception {
        assertThat(tarball.file("bin/baton")).isExecutable();
        assertThat(tarball.file("lib/baton.jar")).isRegularFile();
        assertThat(tarball.file("conf/jvm.options")).isRegularFile();
        assertThat(tarball.file("systemd/baton.service")).isRegularFile();
        for (int id = 1; id <= 3; id++) assertThat(tarball.file("node" + id + ".yaml")).isRegularFile();

        UnpackedTarball.Result version = tarball.run(Map.of(), "--version");
        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(version.output()).contains("baton " + System.getProperty("baton.version"));
        assertThat(tarball.mavenWasCalled()).as("the packaged launcher ran mvn").isFalse();
    }

    @Test
    void batonJavaOptsReplaceTheOptionsOfJvmOptions() throws Exception {
        UnpackedTarball.Result flags = tarball.run(Map.of("BATON_JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xmx77m"),
                "--version");
        assertThat(flags.exitCode()).as(flags.output()).isZero();
        assertThat(flags.output()).contains("-XX:MaxHeapSize=" + 77L * 1024 * 1024)
                .doesNotContain("-XX:ReservedCodeCacheSize=" + 64L * 1024 * 1024);
    }

    @Test
    void threeNodesStartFromTheExampleConfigsWithOnlyTheirPortsEdited() throws Exception {
        Path key = tarball.file("cluster.key");
        Process keygen = tarball.launcher(Map.of(), "keygen").redirectOutput(key.toFile())
                .redirectError(dir.resolve("keygen.err").toFile()).start();
        assertThat(keygen.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(keygen.exitValue()).as(Files.readString(dir.resolve("keygen.err"))).isZero();

        int[] apiPorts = new int[4];
        Map<String, String> ports = new java.util.HashMap<>();
        for (int id = 1; id <= 3; id++) {
            apiPorts[id] = UnpackedTarball.freePort();
            ports.put("127.0.0.1:740" + id, "127.0.0.1:" + UnpackedTarball.freePort());
            ports.put("127.0.0.1:748" + id, "127.0.0.1:" + apiPorts[id]);
            ports.put("127.0.0.1:530" + id, "127.0.0.1:" + UnpackedTarball.freePort());
        }
        for (int id = 1; id <= 3; id++) {
            Path config = tarball.file("node" + id + ".yaml");
            String text = Files.readString(config);
            for (Map.Entry<String, String> p : ports.entrySet()) text = text.replace(p.getKey(), p.getValue());
            // Node 1 keeps an old file's `transport: epoll` (read as native, with a warning), node 2 the default
            // (auto: the native loop, whose library must load from the jar), node 3 asks for the JDK's sockets.
            if (id == 1) text = text.replace("\ndns:\n", "\ndns:\n  transport: epoll\n");
            if (id == 3) text = text.replace("\ndns:\n", "\ndns:\n  transport: jdk\n");
            Files.writeString(config, text);
            UnpackedTarball.Result valid = tarball.run(Map.of(), "validate", "--config", "node" + id + ".yaml");
            assertThat(valid.exitCode()).as(valid.output()).isZero();
            if (id == 1) assertThat(valid.output()).contains("warning: dns.transport: \"epoll\" is now called \"native\"");
        }

        List<Process> nodes = new ArrayList<>();
        try {
            for (int id = 1; id <= 3; id++) {
                Path log = dir.resolve("node" + id + ".log");
                nodes.add(tarball.launcher(Map.of(), "agent", "--config", "node" + id + ".yaml")
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            await("node 1 leads a current three-node cluster").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
                        for (Process p : nodes) assertThat(p.isAlive()).as(logs()).isTrue();
                        for (int id = 1; id <= 3; id++) {
                            JsonNode status = status(apiPorts[id]);
                            assertThat(status.path("leader").asInt()).isEqualTo(1);
                            assertThat(status.path("current").asBoolean()).isTrue();
                        }
                    });
            UnpackedTarball.Result status = tarball.run(Map.of(), "status", "--api", "http://127.0.0.1:" + apiPorts[2]);
            assertThat(status.exitCode()).as(status.output()).isZero();
            assertThat(status.output()).contains("web");

            // The shaded jar carries Baton's native UDP library, and the agent loads it by default.
            assertThat(Files.readString(dir.resolve("node1.log"))).contains("(UDP via the native loop");
            assertThat(Files.readString(dir.resolve("node2.log"))).contains("(UDP via the native loop");
            assertThat(Files.readString(dir.resolve("node3.log"))).contains("(UDP via the JDK's DatagramChannel");

            // The agent runs with the packaged JVM options (conf/jvm.options).
            String cmdline = Files.readString(Path.of("/proc/" + nodes.get(0).pid() + "/cmdline")).replace('\0', ' ');
            for (String line : Files.readAllLines(tarball.file("conf/jvm.options"))) {
                String option = line.replaceAll("#.*", "").trim();
                if (!option.isEmpty()) assertThat(cmdline).contains(option);
            }
            rollingConfigChange(apiPorts);
            assertThat(tarball.mavenWasCalled()).as("the packaged launcher ran mvn").isFalse();
        } finally {
            for (Process p : nodes) p.destroy();
            for (Process p : nodes) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (Process p : nodes) assertThat(p.exitValue()).as("SIGTERM stops a node as a success (143): " + logs()).isIn(0, 143);
    }

    /**
     * OPERATIONS.md's rolling config change, through {@code bin/baton reload} (SIGHUP): one node at a time gets a
     * new service and JSON logs; until every node has it the leader names the others as mismatched; a change of
     * membership is refused and applies nothing.
     */
    private void rollingConfigChange(int[] apiPorts) throws Exception {
        String extra = "  - name: api\n    check: {tcp: \"{address}:9\", interval: 500ms}\n"
                + "    instances:\n      - {name: a, address: 127.0.0.1}\n";
        for (int id = 1; id <= 3; id++) {
            Path config = tarball.file("node" + id + ".yaml");
            Files.writeString(config, Files.readString(config).replace("format: text", "format: json") + extra);
            UnpackedTarball.Result reload = tarball.run(Map.of(), "reload", "--config", "node" + id + ".yaml");
            assertThat(reload.exitCode()).as(reload.output()).isZero();
            int port = apiPorts[id];
            await("node " + id + " reloaded").atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(status(port).path("last_reload").asText()).endsWith("applied: services +1 -0 ~0 (added: api); log format"));
            int upgraded = id;
            await("the leader names the nodes not reloaded yet").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> {
                        List<Integer> expected = new ArrayList<>();
                        for (int other = upgraded + 1; other <= 3; other++) expected.add(other);
                        List<Integer> mismatch = new ArrayList<>();
                        status(apiPorts[1]).path("config_mismatch").forEach(n -> mismatch.add(n.asInt()));
                        assertThat(mismatch).isEqualTo(expected);
                    });
        }
        String log = Files.readString(dir.resolve("node1.log"));
        String lastLine = log.lines().reduce((a, b) -> b).orElseThrow();
        assertThat(JSON.readTree(lastLine).path("level").asText()).as("JSON log lines after the reload: " + lastLine).isNotEmpty();

        Path node3 = tarball.file("node3.yaml");
        String before = Files.readString(node3);
        int otherPort = UnpackedTarball.freePort();
        Files.writeString(node3, before.replaceFirst("(id: 2, address: 127\\.0\\.0\\.1:)\\d+", "$1" + otherPort));
        assertThat(Files.readString(node3)).isNotEqualTo(before);
        UnpackedTarball.Result refused = tarball.run(Map.of(), "reload", "--config", "node3.yaml");
        assertThat(refused.exitCode()).as(refused.output()).isZero();
        await("membership change refused").atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                assertThat(status(apiPorts[3]).path("last_reload").asText())
                        .endsWith("refused: cluster.members changed; these need a restart of the node (nothing was applied)"));
        assertThat(status(apiPorts[1]).path("config_mismatch")).isEmpty();
    }

    private JsonNode status(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/status"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        for (int id = 1; id <= 3; id++) {
            Path log = dir.resolve("node" + id + ".log");
            if (Files.exists(log)) out.append("\n--- node ").append(id).append(" ---\n").append(Files.readString(log));
        }
        return out.toString();
    }
}
