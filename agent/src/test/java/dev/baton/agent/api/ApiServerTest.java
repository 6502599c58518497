package dev.baton.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.agent.config.ApiConfig;
import dev.baton.agent.config.HostPort;
import dev.baton.agent.config.Secret;
import dev.baton.agent.decision.OperatorAction;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP API against a stub node on a real loopback socket: routes, status codes, token, body rules, events. */
class ApiServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOKEN = "s3cret-token";

    private final List<ActionRequest> asked = new CopyOnWriteArrayList<>();
    private volatile ActionResult answer = new ActionResult(200, Map.of("outcome", "done", "index", 7));
    private volatile boolean serving = true;
    private ApiServer server;

    private final NodeApi stub = new NodeApi() {
        @Override
        public Optional<Object> status(StatusQuery query) {
            return query.service().filter(s -> !s.equals("db")).isPresent() ? Optional.empty()
                    : Optional.of(Map.of("node", 1, "limit", query.limit()));
        }

        @Override
        public Object cluster() {
            return Map.of("leader", 2);
        }

        @Override
        public Object services() {
            return Map.of("services", List.of(Map.of("name", "db")));
        }

        @Override
        public Optional<Object> service(String name) {
            return name.equals("db") ? Optional.of(Map.of("name", "db", "active", "a")) : Optional.empty();
        }

        @Override
        public Optional<Object> history(HistoryQuery query) {
            return query.service().filter(s -> !s.equals("db")).isPresent() ? Optional.empty()
                    : Optional.of(Map.of("items", List.of(), "limit", query.limit(), "before", query.before()));
        }

        @Override
        public Health health() {
            return new Health(serving, serving ? Map.of("status", "ok") : Map.of("error", "not current"));
        }

        @Override
        public CompletableFuture<ActionResult> act(ActionRequest request) {
            asked.add(request);
            return CompletableFuture.completedFuture(answer);
        }
    };

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private void start(Optional<Secret> token) throws Exception {
        server = new ApiServer(new ApiConfig(new HostPort("127.0.0.1", 0), token, Optional.empty()), stub);
        server.start();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) b.header("Authorization", authorization);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> r, int status, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains(message);
    }

    @Test
    void everyReadEndpointAnswersJsonAndItsErrors() throws Exception {
        start(Optional.empty());
        assertThat(JSON.readTree(get("/v1/status?limit=3").body()).path("limit").asInt()).isEqualTo(3);
        assertError(get("/v1/status?service=nope"), 404, "no service named nope");
        assertError(get("/v1/status?limit=-1"), 400, "limit must be a whole number");
        assertError(get("/v1/status?colour=red"), 400, "unknown parameter \"colour\"");
        assertThat(JSON.readTree(get("/v1/cluster").body()).path("leader").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(get("/v1/services").body()).path("services")).hasSize(1);
        assertThat(JSON.readTree(get("/v1/services/db").body()).path("active").asText()).isEqualTo("a");
        assertError(get("/v1/services/nope"), 404, "no service named nope");
        JsonNode history = JSON.readTree(get("/v1/history?service=db&limit=5&before=9").body());
        assertThat(history.path("limit").asInt()).isEqualTo(5);
        assertThat(history.path("before").asLong()).isEqualTo(9);
        assertError(get("/v1/history?service=nope"), 404, "no service named nope");
        assertError(get("/v1/history?limit=0"), 400, "limit must be between 1 and 1000");
        assertError(get("/v1/nothing"), 404, "no such endpoint /v1/nothing");
        assertError(post("/v1/status", "", null), 405, "only GET");
        assertError(get("/v1/services/db/switch"), 405, "switch takes POST");
    }

    /**
     * Without TCP_NODELAY a kept-alive client waits for its own delayed ACK (~40 ms) on every small response: the
     * server must ask the JDK server for it before the JDK server reads its settings (when the first one starts).
     */
    @Test
    void theServerAsksForTcpNoDelaySoSmallResponsesAreNotHeldBack() throws Exception {
        start(Optional.empty());
        assertThat(Boolean.getBoolean(ApiServer.NODELAY_PROPERTY)).isTrue();
    }

    @Test
    void healthIs200WhenServingAnd503Otherwise() throws Exception {
        start(Optional.empty());
        assertThat(get("/v1/health").statusCode()).isEqualTo(200);
        serving = false;
        assertError(get("/v1/health"), 503, "not current");
    }

    @Test
    void aMutatingCallWithoutTheRightTokenGets401AndReachesNothing() throws Exception {
        start(Optional.of(new Secret(TOKEN.getBytes(StandardCharsets.UTF_8), "test")));
        String body = "{\"instance\":\"b\"}";
        HttpResponse<String> none = post("/v1/services/db/switch", body, null);
        assertError(none, 401, "missing or wrong bearer token");
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertError(post("/v1/services/db/switch", body, "Bearer wrong"), 401, "missing or wrong bearer token");
        assertError(post("/v1/services/db/switch", body, "Bearer " + TOKEN + "x"), 401, "bearer token");
        assertError(post("/v1/services/db/switch", body, "Basic " + TOKEN), 401, "bearer token");
        assertThat(asked).isEmpty();
        assertThat(none.body()).doesNotContain(TOKEN);

        HttpResponse<String> ok = post("/v1/services/db/switch", "{\"instance\":\"b\",\"force\":true}", "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).path("index").asLong()).isEqualTo(7);
        assertThat(asked).containsExactly(new ActionRequest(OperatorAction.Kind.SWITCH, "db", "b", true, "127.0.0.1"));
        // Reads need no token.
        assertThat(get("/v1/status").statusCode()).isEqualTo(200);
    }

    @Test
    void everyVerbReachesTheNodeWithItsBodyAndTheNodesAnswerIsPassedOn() throws Exception {
        start(Optional.empty());
        assertThat(post("/v1/services/db/drain", "{\"instance\":\"a\"}", null).statusCode()).isEqualTo(200);
        assertThat(post("/v1/services/db/undrain", "{\"instance\":\"a\"}", null).statusCode()).isEqualTo(200);
        assertThat(post("/v1/services/db/pin", "{\"instance\":\"a\"}", null).statusCode()).isEqualTo(200);
        assertThat(post("/v1/services/db/unpin", "", null).statusCode()).isEqualTo(200);
        assertThat(post("/v1/services/db/approve-failback", "{}", null).statusCode()).isEqualTo(200);
        assertThat(asked).extracting(ActionRequest::kind).containsExactly(OperatorAction.Kind.DRAIN,
                OperatorAction.Kind.UNDRAIN, OperatorAction.Kind.PIN, OperatorAction.Kind.UNPIN,
                OperatorAction.Kind.APPROVE_FAILBACK);

        answer = ActionResult.error(409, "b is already active");
        assertError(post("/v1/services/db/switch", "{\"instance\":\"b\"}", null), 409, "b is already active");
        answer = ActionResult.error(503, "no leader");
        assertError(post("/v1/services/db/switch", "{\"instance\":\"b\"}", null), 503, "no leader");
    }

    @Test
    void badBodiesAndUnknownActionsAreRefusedBeforeTheNodeSeesThem() throws Exception {
        start(Optional.empty());
        assertError(post("/v1/services/db/switch", "not json", null), 400, "not JSON");
        assertError(post("/v1/services/db/switch", "[1]", null), 400, "must be a JSON object");
        assertError(post("/v1/services/db/switch", "{}", null), 400, "switch needs {\"instance\": \"NAME\"}");
        assertError(post("/v1/services/db/switch", "{\"instance\":\"b\",\"force\":\"yes\"}", null), 400,
                "\"force\" must be true or false");
        assertError(post("/v1/services/db/drain", "{\"instance\":\"a\",\"force\":true}", null), 400,
                "drain takes no \"force\"");
        assertError(post("/v1/services/db/unpin", "{\"instance\":\"a\"}", null), 400, "unpin takes no \"instance\"");
        assertError(post("/v1/services/db/reboot", "{}", null), 404, "no such action \"reboot\"");
        assertError(post("/v1/services/db/switch/now", "{}", null), 404, "no such endpoint");
        assertThat(asked).isEmpty();
    }

    @Test
    void theDashboardIsOneSelfContainedPageWhosePolicyAllowsOnlyItsOwnInlineScriptAndStyle() throws Exception {
        start(Optional.of(new Secret(TOKEN.getBytes(StandardCharsets.UTF_8), "test")));
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        String page = r.body();
        assertThat(page).startsWith("<!DOCTYPE html>").contains("new EventSource('/v1/events')", "/v1/history",
                "Authorization", "failover_budget");
        // Self-contained: nothing is fetched from anywhere else, so it works without internet access.
        assertThat(page.toLowerCase()).doesNotContain("http://", "https://", "//cdn", " src=", " href=", "@import",
                "url(");
        // The API's strings reach the DOM as text: no HTML is ever built from data.
        assertThat(page).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("<script>(.*?)</script>",
                java.util.regex.Pattern.DOTALL).matcher(page);
        assertThat(script.find()).isTrue();
        String hash = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest(script.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(csp).contains("script-src 'sha256-" + hash + "';");
        assertThat(get("/index.html").body()).isEqualTo(page);
        HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(uri("/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Security-Policy")).contains(csp);
    }

    @Test
    void theDashboardTakesOnlyGetAndHeadAndOtherPathsAreJson404s() throws Exception {
        start(Optional.empty());
        HttpResponse<String> post = post("/", "{}", null);
        assertError(post, 405, "the dashboard takes GET");
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        assertError(HTTP.send(HttpRequest.newBuilder(uri("/")).DELETE().build(), HttpResponse.BodyHandlers.ofString()),
                405, "the dashboard takes GET");
        assertError(get("/dashboard.js"), 404, "no such endpoint /dashboard.js");
        assertThat(asked).isEmpty();
    }

    @Test
    void anAddedContextServesBesideTheApi() throws Exception {
        server = new ApiServer(new ApiConfig(new HostPort("127.0.0.1", 0)), stub);
        server.addContext("/", ex -> {
            byte[] page = "<html>dashboard</html>".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        server.start();
        assertThat(get("/").body()).isEqualTo("<html>dashboard</html>");
        assertThat(get("/v1/cluster").statusCode()).isEqualTo(200);
    }

    @Test
    void eventsReachEverySubscriberAsServerSentEvents() throws Exception {
        start(Optional.empty());
        HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(uri("/v1/events")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).contains("text/event-stream");
        await().atMost(Duration.ofSeconds(20)).until(() -> server.events().subscribers() == 1);
        server.events().publish("history", Map.of("kind", "action", "service", "db"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            String event = null;
            String data = null;
            while ((line = lines.readLine()) != null && data == null) {
                if (line.startsWith("event: ")) event = line.substring(7);
                if (line.startsWith("data: ")) data = line.substring(6);
            }
            assertThat(event).isEqualTo("history");
            assertThat(JSON.readTree(data).path("service").asText()).isEqualTo("db");
        }
    }

    @Test
    void aSlowSubscriberIsDroppedAndNeverBlocksThePublisherAndSubscribersAreBounded() {
        EventStream events = new EventStream();
        EventStream.Subscriber slow = events.subscribe();
        for (int i = 0; i <= EventStream.QUEUE_EVENTS; i++) events.publish("history", Map.of("i", i));
        assertThat(slow.dropped()).isTrue();
        assertThat(events.subscribers()).isZero();
        assertThat(events.droppedSubscribers()).isEqualTo(1);

        for (int i = 0; i < EventStream.MAX_SUBSCRIBERS; i++) assertThat(events.subscribe()).isNotNull();
        assertThat(events.subscribe()).isNull();
    }
}
