package dev.baton.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.agent.config.ConfigFixture;
import dev.baton.agent.config.ConfigLoader;
import dev.baton.agent.config.BatonConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A running node takes a re-read config in place (a new service is checked, decided, answered; the digest
 * follows), and refuses, applying nothing, a change that needs a restart. It writes its pid file for
 * {@code baton reload} and removes it when it stops.
 */
class AgentReloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A second service, added by a reload. */
    private static final String TWO = """
              - name: two
                check: {exec: ["true"], interval: 50ms}
                instances:
                  - {name: b, address: 127.0.0.2}
            """;
    private AgentNode node;

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    private static String config(String services) {
        return ConfigFixture.loneNode("reload", "reload.test.") + """
                services:
                  - name: one
                    check: {exec: ["true"], interval: 50ms}
                    instances:
                      - {name: a, address: 127.0.0.1}
                """ + services;
    }

    private JsonNode status() {
        return JSON.valueToTree(node.status());
    }

    @Test
    void aNewServiceIsCheckedAndDecidedWithoutARestart(@TempDir Path dir) throws Exception {
        ConfigFixture files = new ConfigFixture(dir);
        BatonConfig first = new ConfigLoader().load(files.write(config("")));
        node = AgentNode.start(first);
        assertThat(PidFile.read(first.cluster().dataDir())).hasValue(ProcessHandle.current().pid());
        String digestBefore = status().path("config_digest").asText();

        BatonConfig second = new ConfigLoader().load(files.write(config(TWO)));
        assertThat(node.reload(second)).isEqualTo("applied: services +1 -0 ~0 (added: two)");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode services = status().path("services");
            assertThat(services).hasSize(2);
            assertThat(services.get(1).path("name").asText()).isEqualTo("two");
            assertThat(services.get(1).path("local_checks").path("b").asText()).isEqualTo("up");
            assertThat(services.get(1).path("active").asText()).isEqualTo("b");
        });
        assertThat(node.status().get("config_digest")).isNotEqualTo(digestBefore);
        assertThat(node.status().get("last_reload").toString()).endsWith("applied: services +1 -0 ~0 (added: two)");
        // The answer table follows: the new name is answered.
        assertThat(node.status().toString()).contains("two.reload.test.");
        // So do the API's documents: the new service, and the new digest in /v1/cluster.
        assertThat(get("/v1/services/two").statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(get("/v1/services").body()).findValuesAsText("name")).contains("one", "two");
        JsonNode cluster = JSON.readTree(get("/v1/cluster").body());
        assertThat(cluster.path("config_digest").asText()).isEqualTo(node.status().get("config_digest"));
        assertThat(cluster.path("config_digests").path("1").asText()).isEqualTo(node.status().get("config_digest"));
        assertThat(cluster.path("config_mismatch")).isEmpty();
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + node.apiAddress().getPort() + path);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMembershipChangeIsRefusedAndNothingApplies(@TempDir Path dir) throws Exception {
        ConfigFixture files = new ConfigFixture(dir);
        BatonConfig first = new ConfigLoader().load(files.write(config("")));
        node = AgentNode.start(first);
        String digest = status().path("config_digest").asText();
        BatonConfig grown = new ConfigLoader().load(files.write(config(TWO).replace("    - {id: 1, address: 127.0.0.1:0}\n",
                "    - {id: 1, address: 127.0.0.1:0}\n    - {id: 2, address: 127.0.0.1:1}\n")));
        assertThat(node.reload(grown)).isEqualTo("refused: cluster.members changed; these need a restart of the node"
                + " (nothing was applied)");
        assertThat(status().path("services")).hasSize(1);
        assertThat(status().path("config_digest").asText()).isEqualTo(digest);

        Path dataDir = first.cluster().dataDir();
        node.close();
        node = null;
        assertThat(Files.exists(dataDir.resolve(PidFile.NAME))).as("pid file removed at stop").isFalse();
    }
}
