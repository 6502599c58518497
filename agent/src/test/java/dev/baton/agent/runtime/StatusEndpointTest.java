package dev.baton.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.agent.config.ConfigFixture;
import dev.baton.agent.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/status} at scale: one service, a page of services, a summary of all, and errors for bad asks. */
class StatusEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private AgentNode node;

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiAddress().getPort()
                + pathAndQuery)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void oneServiceAPageOrEveryServiceWithASummaryOfAll(@TempDir Path dir) throws Exception {
        StringBuilder services = new StringBuilder("services:\n");
        for (int i = 0; i < 30; i++) {
            services.append("  - name: s").append(i).append("\n    check: {tcp: \"{address}:9\", interval: 1s}\n")
                    .append("    instances:\n      - {name: a, address: 127.0.0.1}\n");
        }
        Path config = new ConfigFixture(dir).write(ConfigFixture.loneNode("status", "status.test.") + services);
        node = AgentNode.start(new ConfigLoader().load(config));

        JsonNode one = JSON.readTree(get("/v1/status?service=s7").body());
        assertThat(one.path("services")).hasSize(1);
        assertThat(one.path("services").get(0).path("name").asText()).isEqualTo("s7");
        assertThat(one.path("services_total").asInt()).isEqualTo(30);

        JsonNode page = JSON.readTree(get("/v1/status?offset=25&limit=10").body());
        assertThat(page.path("offset").asInt()).isEqualTo(25);
        assertThat(page.path("services")).extracting(s -> s.path("name").asText())
                .containsExactly("s25", "s26", "s27", "s28", "s29");

        JsonNode summaryOnly = JSON.readTree(get("/v1/status?limit=0").body());
        assertThat(summaryOnly.path("services")).isEmpty();
        JsonNode counts = summaryOnly.path("summary").path("services");
        assertThat(counts.path("preferred").asInt() + counts.path("failed_over").asInt() + counts.path("none").asInt()
                + counts.path("undecided").asInt()).isEqualTo(30);

        assertThat(JSON.readTree(get("/v1/status").body()).path("services")).hasSize(30);

        HttpResponse<String> unknown = get("/v1/status?service=nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no service named nope");
        HttpResponse<String> bad = get("/v1/status?limit=-1");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("limit must be a whole number of 0 or more");
        assertThat(JSON.readTree(get("/v1/status?sevrice=s1").body()).path("error").asText()).startsWith("unknown parameter \"sevrice\"");
    }
}
