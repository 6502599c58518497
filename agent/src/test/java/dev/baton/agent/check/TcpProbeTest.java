package dev.baton.agent.check;

import static dev.baton.agent.check.TestSpecs.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.check.http.PlainHttpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TcpProbe (its connect on the real PlainHttpClient) against real loopback sockets. */
class TcpProbeTest {
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private PlainHttpClient client;

    @BeforeEach
    void start() throws IOException {
        client = new PlainHttpClient("test-tcp-check");
    }

    @AfterEach
    void stop() {
        client.close();
        executor.shutdownNow();
    }

    private ProbeResult probe(CheckSpec.Tcp spec) {
        return new TcpProbe(spec, client, executor).run().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void aHostNameIsLookedUp() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("localhost"))) {
            ProbeResult result = probe(new CheckSpec.Tcp("localhost", server.getLocalPort(), TestSpecs.timeout(2000)));
            assertThat(result.detail()).isEqualTo("connected");
        }
        ProbeResult unknown = probe(new CheckSpec.Tcp("no-such-host.invalid", 5432, TestSpecs.timeout(2000)));
        assertThat(unknown.healthy()).isFalse();
        assertThat(unknown.detail()).isEqualTo("unknown host no-such-host.invalid");
    }

    @Test
    void anIpv6LiteralIsConnectedWithoutALookup() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("::1"))) {
            TcpProbe probe = new TcpProbe(new CheckSpec.Tcp("::1", server.getLocalPort(), TestSpecs.timeout(2000)),
                    client, command -> { throw new AssertionError("a literal needs no blocking step"); });
            assertThat(probe.startsQuickly()).isTrue();
            assertThat(probe.run().orTimeout(10, TimeUnit.SECONDS).join().detail()).isEqualTo("connected");
        }
    }

    @Test
    void listeningPortIsHealthy() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            ProbeResult result = probe(tcp(server.getLocalPort(), 2000));
            assertThat(result.healthy()).isTrue();
            assertThat(result.detail()).isEqualTo("connected");
            try (var accepted = server.accept()) {
                assertThat(accepted.getInputStream().read()).as("probe sends nothing and closes").isEqualTo(-1);
            }
        }
    }

    @Test
    void closedPortIsConnectRefused() throws IOException {
        ProbeResult result = probe(tcp(TestSpecs.closedPort(), 2000));
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).isEqualTo("connect refused");
    }

    @Test
    void fullAcceptQueueTimesOut() throws IOException {
        // A listener that never accepts, with its backlog filled: Linux then drops further SYNs, so a connect
        // neither succeeds nor is refused - what a hung host looks like, but on loopback.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                ProbeResult result = null;
                for (int i = 0; i < 8; i++) {
                    result = probe(tcp(server.getLocalPort(), 300));
                    if (!result.healthy()) break;
                    Socket filler = new Socket();
                    filler.connect(server.getLocalSocketAddress(), 300);
                    fillers.add(filler);
                }
                assertThat(result.healthy()).isFalse();
                assertThat(result.detail()).isEqualTo("timeout after 300ms");
            } catch (SocketTimeoutException e) {
                // the filler itself hit the full queue: probe once more, now it must time out too
                ProbeResult result = probe(tcp(server.getLocalPort(), 300));
                assertThat(result.detail()).isEqualTo("timeout after 300ms");
            } finally {
                for (Socket s : fillers) s.close();
            }
        }
    }

    @Test
    void rejectsPortZero() {
        assertThatThrownBy(() -> new TcpProbe(tcp(0, 1000), client, executor)).hasMessageContaining("port");
    }
}
