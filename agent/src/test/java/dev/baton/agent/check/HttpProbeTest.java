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
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HttpProbe against a real JDK HTTP server on loopback. */
class HttpProbeTest {
    private HttpServer server;
    private ExecutorService serverThreads;
    private ExecutorService clientThreads;
    private HttpClient client;
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
        clientThreads = Executors.newCachedThreadPool();
        client = HttpProbe.newClient(false, clientThreads);
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        clientThreads.shutdownNow();
    }

    private ProbeResult probe(CheckSpec.Http spec) {
        return new HttpProbe(spec, client).run().orTimeout(10, TimeUnit.SECONDS).join();
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
    void closedPortIsConnectFailed() throws IOException {
        ProbeResult result = probe(http("http://127.0.0.1:" + TestSpecs.closedPort() + "/health", null, 2000));
        assertThat(result.healthy()).isFalse();
        // The JDK client does not say why a connect failed (see Failures), unlike a plain socket.
        assertThat(result.detail()).isEqualTo("connect failed");
    }

    @Test
    void slowResponseTimesOut() {
        ProbeResult result = probe(http(base + "/hang", null, 300));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("timeout after 300ms");
    }

    @Test
    void aProbeCanRunAgainAndSeesTheNewState() {
        HttpProbe probe = new HttpProbe(http(base + "/health", null, 2000), client);
        assertThat(probe.run().join().healthy()).isTrue();
        status = 500;
        assertThat(probe.run().join().detail()).isEqualTo("HTTP 500");
    }

    @Test
    void rejectsNonHttpUrls() {
        assertThatThrownBy(() -> new HttpProbe(http("ftp://127.0.0.1/x", null, 2000), client))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp");
    }

    @Test
    void searchesBytes() {
        byte[] hay = "abcabd".getBytes(StandardCharsets.UTF_8);
        assertThat(HttpProbe.indexOf(hay, "abd".getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
        assertThat(HttpProbe.indexOf(hay, "abe".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(HttpProbe.indexOf(new byte[0], new byte[0])).isZero();
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
