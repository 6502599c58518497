package dev.baton.agent.check;

import static dev.baton.agent.check.TestSpecs.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import dev.baton.agent.check.http.PlainHttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PlainHttpProbe (through the real PlainHttpClient) against a real JDK HTTP server on loopback, and against a
 * scripted raw socket server for what the JDK server never does: odd framing, garbage, dropped connections.
 */
class PlainHttpProbeTest {
    private HttpServer server;
    private ExecutorService serverThreads;
    private ExecutorService blocking;
    private PlainHttpClient client;
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile int status = 200;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> respond(exchange, status, "service is ok"));
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "/health");
            respond(exchange, 302, "");
        });
        server.createContext("/big-late-needle", exchange -> respond(exchange, 200, filler(200 * 1024) + "NEEDLE"));
        server.createContext("/big-early-needle", exchange -> respond(exchange, 200, "NEEDLE" + filler(1024 * 1024)));
        server.createContext("/hang", exchange -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "late");
        });
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        blocking = Executors.newCachedThreadPool();
        client = new PlainHttpClient("test-plain-http");
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        client.close();
        blocking.shutdownNow();
    }

    private ProbeResult probe(CheckSpec.Http spec) {
        PlainHttpProbe probe = new PlainHttpProbe(spec, client, blocking);
        try {
            return run(probe);
        } finally {
            probe.close();
        }
    }

    private static ProbeResult run(PlainHttpProbe probe) {
        return probe.run().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void statusInRangeIsHealthy() {
        ProbeResult result = probe(http(base + "/health", null, 2000));
        assertThat(result.healthy()).isTrue();
        assertThat(result.detail()).isEqualTo("HTTP 200");
        assertThat(result.latency()).isPositive();
    }

    @Test
    void statusOutOfRangeIsUnhealthy() {
        status = 503;
        ProbeResult result = probe(http(base + "/health", null, 2000));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("HTTP 503");
    }

    @Test
    void customStatusRangeIsHonoured() {
        status = 503;
        var spec = new CheckSpec.Http(URI.create(base + "/health"), 500, 503, Optional.empty(), false,
                TestSpecs.timeout(2000));
        assertThat(probe(spec).healthy()).isTrue();
    }

    @Test
    void bodyMustContainTheExpectedText() {
        assertThat(probe(http(base + "/health", "is ok", 2000)).healthy()).isTrue();
        ProbeResult missing = probe(http(base + "/health", "is broken", 2000));
        assertThat(missing.healthy()).isFalse();
        assertThat(missing.detail()).isEqualTo("HTTP 200, body lacks the expected text");
    }

    @Test
    void onlyTheFirst64KiBOfTheBodyAreSearched() {
        ProbeResult late = probe(http(base + "/big-late-needle", "NEEDLE", 5000));
        assertThat(late.healthy()).isFalse();
        assertThat(late.detail()).contains("body lacks");
        assertThat(probe(http(base + "/big-early-needle", "NEEDLE", 5000)).healthy()).isTrue();
    }

    @Test
    void redirectsAreNotFollowed() {
        ProbeResult result = probe(http(base + "/redirect", null, 2000));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("HTTP 302");
    }

    @Test
    void closedPortIsConnectRefused() throws IOException {
        ProbeResult result = probe(http("http://127.0.0.1:" + TestSpecs.closedPort() + "/health", null, 2000));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("connect refused");
    }

    @Test
    void slowResponseTimesOut() {
        ProbeResult result = probe(http(base + "/hang", null, 300));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("timeout after 300ms");
    }

    @Test
    void aProbeCanRunAgainAndSeesTheNewState() {
        try (var probe = new ClosingProbe(new PlainHttpProbe(http(base + "/health", null, 2000), client, blocking))) {
            assertThat(run(probe.probe).healthy()).isTrue();
            status = 500;
            assertThat(run(probe.probe).detail()).isEqualTo("HTTP 500");
        }
    }

    @Test
    void rejectsNonHttpUrls() {
        assertThatThrownBy(() -> new PlainHttpProbe(http("ftp://127.0.0.1/x", null, 2000), client, blocking))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp");
    }

    @Test
    void aKeptAliveConnectionCarriesEveryRun() throws IOException {
        try (LoopbackHttpServer server = new LoopbackHttpServer("keep-alive-server");
             var probe = new ClosingProbe(new PlainHttpProbe(http("http://127.0.0.1:" + server.port() + "/health", "ok", 2000),
                     client, blocking))) {
            for (int i = 0; i < 5; i++) assertThat(run(probe.probe).detail()).isEqualTo("HTTP 200");
            assertThat(server.requests.get()).isEqualTo(5);
            assertThat(server.connections.get()).as("connections for five runs").isEqualTo(1);
        }
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsRetriedOnANewOne() throws IOException {
        // Keep-alive by the headers, yet the server closes after each response (as on an idle timeout).
        String ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        try (var server = new ScriptedHttpServer(InetAddress.getLoopbackAddress(), ok, true);
             var probe = new ClosingProbe(new PlainHttpProbe(http("http://127.0.0.1:" + server.port() + "/", null, 2000),
                     client, blocking))) {
            assertThat(run(probe.probe).detail()).isEqualTo("HTTP 200");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.requests.get() == 1);
            assertThat(run(probe.probe).detail()).isEqualTo("HTTP 200");
            assertThat(server.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void aChunkedBodyIsDecodedBeforeItIsSearched() throws IOException {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nNEE\r\r\n3;ext=1\r\nDLE\r\n0\r\nX-Trailer: 1\r\n\r\n";
        try (var server = new ScriptedHttpServer(InetAddress.getLoopbackAddress(), chunked, false);
             var probe = new ClosingProbe(new PlainHttpProbe(http("http://127.0.0.1:" + server.port() + "/", "NEE\rDLE", 2000),
                     client, blocking))) {
            assertThat(run(probe.probe).detail()).isEqualTo("HTTP 200");
            assertThat(run(probe.probe).healthy()).isTrue();
            assertThat(server.connections.get()).as("a fully read chunked body keeps the connection").isEqualTo(1);
        }
    }

    @Test
    void anHttp10BodyRunsUntilTheServerCloses() throws IOException {
        try (var server = new ScriptedHttpServer(InetAddress.getLoopbackAddress(), "HTTP/1.0 200 OK\r\n\r\nall good", true);
             var probe = new ClosingProbe(new PlainHttpProbe(http("http://127.0.0.1:" + server.port() + "/", "good", 2000),
                     client, blocking))) {
            assertThat(run(probe.probe).healthy()).isTrue();
            assertThat(run(probe.probe).healthy()).isTrue();
            assertThat(server.connections.get()).isEqualTo(2);
        }
    }

    @Test
    void whatIsNotHttpIsNamedInTheDetail() throws IOException {
        try (var server = new ScriptedHttpServer(InetAddress.getLoopbackAddress(), "SSH-2.0-OpenSSH_9.2\r\n", true)) {
            ProbeResult result = probe(http("http://127.0.0.1:" + server.port() + "/", null, 2000));
            assertThat(result.healthy()).isFalse();
            assertThat(result.detail()).isEqualTo("not an HTTP/1.x status line: \"SSH-2.0-OpenSSH_9.2\"");
        }
    }

    @Test
    void aServerThatClosesWithoutAnsweringFails() throws IOException {
        try (var server = new ScriptedHttpServer(InetAddress.getLoopbackAddress(), "", true)) {
            ProbeResult result = probe(http("http://127.0.0.1:" + server.port() + "/", null, 2000));
            assertThat(result.healthy()).isFalse();
            assertThat(result.detail()).isEqualTo("connection closed without a response");
        }
    }

    @Test
    void oversizedHeadersFail() throws IOException {
        String big = "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(20_000) + "\r\nContent-Length: 0\r\n\r\n";
        try (var server = new ScriptedHttpServer(InetAddress.getLoopbackAddress(), big, false)) {
            ProbeResult result = probe(http("http://127.0.0.1:" + server.port() + "/", null, 2000));
            assertThat(result.healthy()).isFalse();
            assertThat(result.detail()).isEqualTo("response headers exceed 16 KiB");
        }
    }

    @Test
    void aHostNameIsLookedUpAndSentInTheHostHeader() throws IOException {
        InetAddress localhost = InetAddress.getByName("localhost");
        try (var server = new ScriptedHttpServer(localhost, "HTTP/1.1 204 No Content\r\n\r\n", false)) {
            ProbeResult result = probe(http("http://localhost:" + server.port() + "/health", null, 2000));
            assertThat(result.detail()).isEqualTo("HTTP 204");
            assertThat(result.healthy()).isTrue();
        }
    }

    @Test
    void anIpv6LiteralIsDialedAndSentInTheHostHeaderWithBrackets() throws IOException {
        try (var server = new ScriptedHttpServer(InetAddress.getByName("::1"), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false)) {
            ProbeResult result = probe(http("http://[::1]:" + server.port() + "/health?verbose=1", null, 2000));
            assertThat(result.detail()).isEqualTo("HTTP 200");
            assertThat(server.lastRequest).isEqualTo("GET /health?verbose=1 HTTP/1.1\r\nHost: [::1]:" + server.port()
                    + "\r\nUser-Agent: baton-check\r\nAccept: */*\r\n\r\n");
        }
    }

    @Test
    void anUnknownHostFails() {
        ProbeResult result = probe(http("http://no-such-host.invalid:8080/health", null, 2000));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("unknown host no-such-host.invalid");
    }

    @Test
    void closingTheProbeClosesItsKeptConnection() throws IOException {
        String ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        try (var server = new ScriptedHttpServer(InetAddress.getLoopbackAddress(), ok, false)) {
            PlainHttpProbe probe = new PlainHttpProbe(http("http://127.0.0.1:" + server.port() + "/", null, 2000), client, blocking);
            assertThat(run(probe).healthy()).isTrue();
            assertThat(server.closedByClient.get()).isZero();
            probe.close();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closedByClient.get() == 1);
        }
    }

    /** Closes a probe at the end of a try block. */
    private record ClosingProbe(PlainHttpProbe probe) implements AutoCloseable {
        @Override
        public void close() {
            probe.close();
        }
    }

    @Test
    void searchesBytes() {
        byte[] hay = "abcabd".getBytes(StandardCharsets.UTF_8);
        assertThat(HttpJudge.indexOf(hay, "abd".getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
        assertThat(HttpJudge.indexOf(hay, "abe".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(HttpJudge.indexOf(new byte[0], new byte[0])).isZero();
    }

    private static String filler(int size) {
        char[] chars = new char[size];
        Arrays.fill(chars, 'a');
        return new String(chars);
    }

    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        } catch (IOException e) {
            // the probe may stop reading after 64 KiB and close the connection
        }
        exchange.close();
    }
}
