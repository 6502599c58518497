package dev.baton.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The server's I/O against real loopback sockets: framing, limits, timeouts, lifecycle, counters; once per UDP
 * transport.
 */
@ParameterizedClass(name = "UDP over {0}")
@EnumSource(value = UdpTransportChoice.class, names = {"NATIVE", "JDK"})
class DnsServerTest {

    private static final int GENEROUS_MILLIS = 10_000;

    private final AtomicReference<AnswerTable> table = new AtomicReference<>(TestZones.table());
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private DnsServer server;
    private final UdpTransportChoice transport;

    DnsServerTest(UdpTransportChoice transport) {
        this.transport = transport;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) c.close();
        if (server != null) server.close();
    }

    private InetSocketAddress start(DnsServerOptions options, InetAddress... addresses) throws IOException {
        List<InetSocketAddress> listen = new ArrayList<>();
        for (InetAddress a : addresses) listen.add(new InetSocketAddress(a, 0));
        if (listen.isEmpty()) listen.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server = new DnsServer(listen, new DnsAnswerer(table::get, Currentness.ALWAYS, WhenIsolated.SERVFAIL),
                options.withUdpTransport(transport));
        server.start();
        assertThat(server.udpTransport()).isEqualTo(transport);
        return server.boundAddresses().get(0);
    }

    private Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        toClose.add(s);
        s.connect(address, GENEROUS_MILLIS);
        s.setSoTimeout(GENEROUS_MILLIS);
        return s;
    }

    private static Message exchange(Socket s, Message query) throws IOException {
        s.getOutputStream().write(TestClient.frame(query.toWire()));
        return TestClient.readFramed(s);
    }

    @Test
    void udpAndTcpShareOnePortAndCountResponsesByRcode() throws Exception {
        InetSocketAddress address = start(DnsServerOptions.DEFAULTS);
        Message udp = TestClient.udp(address, TestClient.query("db.svc.example.com.", Type.A).toWire(), GENEROUS_MILLIS);
        assertThat(udp.getSection(Section.ANSWER)).hasSize(1);
        Message tcp = exchange(connect(address), TestClient.query("nope.svc.example.com.", Type.A));
        assertThat(tcp.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            DnsStats stats = server.stats();
            assertThat(stats.responses(Rcode.NOERROR)).isEqualTo(1);
            assertThat(stats.responses(Rcode.NXDOMAIN)).isEqualTo(1);
            assertThat(stats.totalResponses()).isEqualTo(2);
            assertThat(stats.internalErrors()).isZero();
        });
    }

    @Test
    void servesEveryListenAddress() throws Exception {
        start(DnsServerOptions.DEFAULTS, InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
        assertThat(server.boundAddresses()).hasSize(2);
        for (InetSocketAddress a : server.boundAddresses()) {
            Message r = TestClient.udp(a, TestClient.query("db.svc.example.com.", Type.A).toWire(), GENEROUS_MILLIS);
            assertThat(r.getRcode()).as(a.toString()).isEqualTo(Rcode.NOERROR);
            assertThat(exchange(connect(a), TestClient.query("db.svc.example.com.", Type.A)).getRcode())
                    .isEqualTo(Rcode.NOERROR);
        }
    }

    @Test
    void pipelinedTcpQueriesAreAnsweredInOrder() throws Exception {
        Socket s = connect(start(DnsServerOptions.DEFAULTS));
        Message[] queries = {
            TestClient.query("db.svc.example.com.", Type.A),
            TestClient.query("v6.svc.example.com.", Type.AAAA),
            TestClient.query("example.org.", Type.A),
        };
        OutputStream out = s.getOutputStream();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (Message q : queries) all.write(TestClient.frame(q.toWire()));
        out.write(all.toByteArray()); // in one segment
        for (Message q : queries) {
            Message r = TestClient.readFramed(s);
            assertThat(r.getHeader().getID()).isEqualTo(q.getHeader().getID());
        }
    }

    @Test
    void shortTcpMessageIsSkippedAndTheConnectionGoesOn() throws Exception {
        Socket s = connect(start(DnsServerOptions.DEFAULTS));
        s.getOutputStream().write(new byte[] {0, 3, 1, 2, 3});
        assertThat(exchange(s, TestClient.query("db.svc.example.com.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(server.stats().malformed()).isEqualTo(1);
    }

    @Test
    void idleTcpConnectionIsClosed() throws Exception {
        InetSocketAddress address = start(new DnsServerOptions(2, Duration.ofMillis(300), 16));
        Socket idle = connect(address);
        assertThat(exchange(idle, TestClient.query("db.svc.example.com.", Type.A))).isNotNull();
        assertThat(TestClient.closedByPeer(idle)).isTrue();

        Socket partial = connect(address);
        partial.getOutputStream().write(new byte[] {0, 40, 1}); // a query that never completes
        assertThat(TestClient.closedByPeer(partial)).isTrue();
    }

    @Test
    void slowLorisClientsHoldingEverySlotDoNotLockOutANewClient() throws Exception {
        InetSocketAddress address = start(new DnsServerOptions(2, Duration.ofSeconds(30), 3));
        // Three slow-loris connections take every slot: one idle, two trickling a query that never completes.
        Socket idle = connect(address);
        assertThat(exchange(idle, TestClient.query("db.svc.example.com.", Type.A))).isNotNull();
        Socket trickling = connect(address);
        trickling.getOutputStream().write(new byte[] {0, 40, 1});
        Socket trickling2 = connect(address);
        trickling2.getOutputStream().write(new byte[] {0, 40});
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(server.stats().tcpConnectionsAccepted()).isEqualTo(3));

        // A real client is served at once: the connection that waited longest for its client makes room.
        Socket client = connect(address);
        assertThat(exchange(client, TestClient.query("db.svc.example.com.", Type.A)).getRcode())
                .isEqualTo(Rcode.NOERROR);
        assertThat(TestClient.closedByPeer(idle)).isTrue();
        assertThat(server.stats().tcpConnectionsEvicted()).isEqualTo(1);

        // Again, and the newest slow-loris connection is still there while the older one went.
        Socket client2 = connect(address);
        assertThat(exchange(client2, TestClient.query("v6.svc.example.com.", Type.AAAA)).getRcode())
                .isEqualTo(Rcode.NOERROR);
        assertThat(TestClient.closedByPeer(trickling)).isTrue();
        assertThat(server.stats().tcpConnectionsEvicted()).isEqualTo(2);
        assertThat(exchange(client, TestClient.query("db.svc.example.com.", Type.A)).getRcode())
                .as("the served client keeps its connection").isEqualTo(Rcode.NOERROR);
    }

    @Test
    void closeReleasesSocketsAndEndsConnections() throws Exception {
        InetSocketAddress address = start(DnsServerOptions.DEFAULTS);
        Socket open = connect(address);
        assertThat(exchange(open, TestClient.query("db.svc.example.com.", Type.A))).isNotNull();
        server.close();
        server.close(); // idempotent
        assertThat(TestClient.closedByPeer(open)).isTrue();
        assertThatThrownBy(() -> new Socket().connect(address, GENEROUS_MILLIS)).isInstanceOf(ConnectException.class);
        assertThat(TestClient.udp(address, TestClient.query("db.svc.example.com.", Type.A).toWire(), 300)).isNull();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBusyPortIsReportedAndNothingStaysBound() throws Exception {
        InetSocketAddress taken = start(DnsServerOptions.DEFAULTS);
        DnsServer second = new DnsServer(List.of(taken), table::get, Currentness.ALWAYS, WhenIsolated.SERVFAIL);
        assertThatThrownBy(second::start).isInstanceOf(java.net.BindException.class)
                .hasMessageContaining(taken.toString());
        second.close();
        assertThat(exchange(connect(taken), TestClient.query("db.svc.example.com.", Type.A))).isNotNull();
    }
}
