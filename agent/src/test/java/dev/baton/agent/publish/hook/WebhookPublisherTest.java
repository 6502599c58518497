package dev.baton.agent.publish.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.baton.agent.config.Secret;
import dev.baton.agent.config.publish.WebhookConfig;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.Publisher.Authority;
import dev.baton.agent.publish.WriteGate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WebhookPublisher against a JDK HttpServer on loopback. */
class WebhookPublisherTest {
    private static final String TOKEN = "whk_s3cr3t-T0KEN";

    record Received(String method, String path, String query, Headers headers, String body) {
    }

    /** What the server answers next: status, extra headers, body. */
    private volatile int status = 204;
    private volatile Map<String, String> answerHeaders = Map.of();
    private volatile String answerBody = "";
    private volatile long answerDelayMillis = 0;
    /** When set, the answer body is sent chunked: this text, then a stall of this many ms before the end. */
    private volatile long stallAfterBodyMillis = 0;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private final java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers); // a stalled answer holds one thread
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                if (answerDelayMillis > 0) Thread.sleep(answerDelayMillis);
                answerHeaders.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                byte[] body = answerBody.getBytes(StandardCharsets.UTF_8);
                if (stallAfterBodyMillis > 0) {
                    exchange.sendResponseHeaders(status, 0);
                    exchange.getResponseBody().write(body);
                    exchange.getResponseBody().flush();
                    Thread.sleep(stallAfterBodyMillis);
                    return;
                }
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                if (body.length > 0) exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    private WebhookPublisher publisher(Optional<Secret> token) {
        return new WebhookPublisher(new WebhookConfig(url("/baton"), Duration.ofSeconds(5), token), Authority.LEADER);
    }

    private static Optional<Secret> token() {
        return Optional.of(new Secret(TOKEN.getBytes(StandardCharsets.UTF_8), "file /etc/baton/webhook.token"));
    }

    @Test
    void postsTheDecisionAsJsonWithTheBearerToken() throws Exception {
        var gate = new TestIntents.CountingGate();
        Outcome outcome = publisher(token()).reconcile(TestIntents.moved(), gate);

        assertThat(outcome).isEqualTo(Outcome.written("HTTP 204"));
        assertThat(gate.checks).hasValue(1);
        assertThat(received).hasSize(1);
        Received r = received.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/baton");
        assertThat(r.body()).isEqualTo("{\"service\":\"db\",\"instance\":\"b\",\"address\":\"10.0.0.2\","
                + "\"previous_instance\":\"a\",\"previous_address\":\"10.0.0.1\",\"term\":7,\"index\":42,"
                + "\"reason\":\"a unhealthy (3 of 3 nodes)\",\"decided_at\":\"2024-05-01T12:00:03.250Z\"}");
        assertThat(r.headers().get("Authorization")).containsExactly("Bearer " + TOKEN);
        assertThat(r.headers().get("Content-Type")).containsExactly("application/json");
        assertThat(r.headers().getFirst("User-Agent")).startsWith("baton/");
    }

    @Test
    void noTokenNoAuthorizationHeader() throws Exception {
        publisher(Optional.empty()).reconcile(TestIntents.moved(), WriteGate.LOCAL);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).headers().containsKey("Authorization")).isFalse();
    }

    @Test
    void theSameIntentIsPostedOnce() throws Exception {
        status = 200;
        var publisher = publisher(token());
        assertThat(publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL)).isEqualTo(Outcome.written("HTTP 200"));
        assertThat(publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL)).isEqualTo(Outcome.inSync("HTTP 200"));
        assertThat(received).hasSize(1);
        publisher.reconcile(TestIntents.none(), WriteGate.LOCAL);
        assertThat(received).hasSize(2);
        assertThat(publisher.resyncMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void serverErrorIsTransientAndRetried() throws Exception {
        status = 500;
        answerBody = "database\tlocked\nstack trace...";
        var publisher = publisher(token());
        assertThatThrownBy(() -> publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PublishException.Kind.TRANSIENT);
                    assertThat(e.getMessage()).isEqualTo("HTTP 500: database\\tlocked");
                    assertThat(e.retryAfter()).isEmpty();
                });
        status = 202;
        assertThat(publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL).result()).isEqualTo(Outcome.Result.WRITTEN);
        assertThat(received).as("the failed intent is not remembered as delivered").hasSize(2);
    }

    @Test
    void tooManyRequestsCarriesRetryAfter() {
        status = 429;
        answerHeaders = Map.of("Retry-After", "17");
        assertThatThrownBy(() -> publisher(token()).reconcile(TestIntents.moved(), WriteGate.LOCAL))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PublishException.Kind.TRANSIENT);
                    assertThat(e.getMessage()).isEqualTo("HTTP 429");
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(17));
                });
    }

    @Test
    void unauthorizedIsConfigurationAndNeverShowsTheToken() {
        for (int code : new int[] {401, 403}) {
            status = code;
            answerBody = "bad token: Bearer " + TOKEN; // a receiver that echoes what it got
            assertThatThrownBy(() -> publisher(token()).reconcile(TestIntents.moved(), WriteGate.LOCAL))
                    .isInstanceOfSatisfying(PublishException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PublishException.Kind.CONFIGURATION);
                        assertThat(e.getMessage()).isEqualTo("HTTP " + code + ": bad token: Bearer [redacted]")
                                .doesNotContain(TOKEN);
                    });
        }
    }

    @Test
    void aClosedGateSendsNothing() {
        assertThatThrownBy(() -> publisher(token()).reconcile(TestIntents.moved(), TestIntents.CLOSED))
                .isInstanceOfSatisfying(PublishException.class,
                        e -> assertThat(e.kind()).isEqualTo(PublishException.Kind.NOT_LEADING));
        assertThat(received).isEmpty();
    }

    @Test
    void timeoutIsTransient() {
        answerDelayMillis = 1_500;
        var publisher = new WebhookPublisher(new WebhookConfig(url("/baton"), Duration.ofMillis(300), token()),
                Authority.LEADER);
        assertThatThrownBy(() -> publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PublishException.Kind.TRANSIENT);
                    assertThat(e.getMessage()).isEqualTo("no answer within 300ms");
                });
    }

    @Test
    void aHugeAnswerIsCutAndQuotedByItsFirstLine() {
        status = 503;
        answerBody = "overloaded\n" + "x".repeat(5_000_000);
        assertThatThrownBy(() -> publisher(token()).reconcile(TestIntents.moved(), WriteGate.LOCAL))
                .hasMessage("HTTP 503: overloaded");
    }

    @Test
    void anAnswerWhoseBodyNeverEndsIsJudgedByItsStatusWithinTheTimeout() throws Exception {
        stallAfterBodyMillis = 2_000;
        answerBody = "accepted, streaming...";
        status = 200;
        var publisher = new WebhookPublisher(new WebhookConfig(url("/baton"), Duration.ofMillis(400), token()),
                Authority.LEADER);
        assertThat(publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL)).isEqualTo(Outcome.written("HTTP 200"));
        status = 500;
        assertThatThrownBy(() -> publisher.reconcile(TestIntents.none(), WriteGate.LOCAL)).hasMessage("HTTP 500");
    }

    @Test
    void connectionRefusedIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        var publisher = new WebhookPublisher(new WebhookConfig(URI.create("http://127.0.0.1:" + closedPort + "/x"),
                Duration.ofSeconds(2), token()), Authority.LEADER);
        assertThatThrownBy(() -> publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL))
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PublishException.Kind.TRANSIENT);
                    assertThat(e.getMessage()).startsWith("ConnectException");
                });
    }

    @Test
    void targetHidesUserInfoAndQuery() {
        var publisher = new WebhookPublisher(new WebhookConfig(
                URI.create("https://user:pw@hooks.example.com/baton?key=abc#frag"), Duration.ofSeconds(5), token()),
                Authority.LEADER);
        assertThat(publisher.kind()).isEqualTo("webhook");
        assertThat(publisher.target()).isEqualTo("webhook https://hooks.example.com/baton");
    }

    @Test
    void theQueryIsSentButNeverShown() throws Exception {
        status = 500;
        answerBody = "rejected key=abc123";
        var publisher = new WebhookPublisher(new WebhookConfig(url("/baton?key=abc123"), Duration.ofSeconds(5),
                Optional.empty()), Authority.LEADER);
        assertThatThrownBy(() -> publisher.reconcile(TestIntents.moved(), WriteGate.LOCAL))
                .hasMessage("HTTP 500: rejected [redacted]");
        assertThat(received.get(0).query()).isEqualTo("key=abc123");
    }

    @Test
    void aTokenThatCannotBeAHeaderIsRejectedWithoutShowingIt() {
        var bad = Optional.of(new Secret("abc\ndef".getBytes(StandardCharsets.UTF_8), "file /etc/baton/t"));
        assertThatThrownBy(() -> new WebhookPublisher(new WebhookConfig(url("/"), Duration.ofSeconds(5), bad),
                Authority.LEADER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("webhook token from file /etc/baton/t must be printable ASCII without spaces");
    }
}
