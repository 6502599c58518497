package dev.baton.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.baton.agent.dns.ratelimit.RateLimitSettings;
import dev.baton.agent.dns.ratelimit.ResponseRateLimiter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** {@link NativeUdpListener} on real sockets on loopback: the JNI loop of baton_udp.c, end to end. */
class NativeUdpListenerTest {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final String[] NAMES = {"db.svc.example.com.", "web.svc.example.com.", "nope.svc.example.com."};

    private final DnsCounters counters = new DnsCounters();
    private final ResponseRateLimiter rateLimiter = new ResponseRateLimiter(RateLimitSettings.OFF, System::nanoTime);
    private final UdpExchange exchange = new UdpExchange(
            new DnsAnswerer(TestZones::table, Currentness.ALWAYS, WhenIsolated.SERVFAIL), rateLimiter, counters,
            AnswerTimer.NONE);
    private final List<NativeUdpListener> listeners = new ArrayList<>();

    @BeforeAll
    static void theLibraryLoads() {
        assertThat(NativeUdpListener.availability()).as("the native UDP library must load on Linux x86-64").isNull();
    }

    @AfterEach
    void closeAll() {
        listeners.forEach(NativeUdpListener::close);
    }

    private InetSocketAddress start(InetSocketAddress address, int threads, int batch) throws IOException {
        NativeUdpListener listener = new NativeUdpListener(exchange, counters, threads, batch);
        listeners.add(listener);
        InetSocketAddress bound = listener.bind(address);
        listener.start();
        return bound;
    }

    private static InetSocketAddress loopback(String literal) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(literal), 0);
    }

    @Test
    void answersOverIpv4WithSeveralSocketsOnOnePort() throws Exception {
        InetSocketAddress server = start(loopback("127.0.0.1"), 2, 16);
        assertThat(server.getPort()).isPositive();
        for (int i = 0; i < 20; i++) { // from 20 source ports, so both SO_REUSEPORT sockets are likely used
            Message r = TestClient.udp(server, TestClient.query("db.svc.example.com.", Type.A).toWire(), TIMEOUT_MILLIS);
            assertThat(r).isNotNull();
            assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(r.getSection(Section.ANSWER)).hasSize(1);
        }
        assertThat(counters.snapshot(rateLimiter).responses(Rcode.NOERROR)).isEqualTo(20);
    }

    @Test
    void answersOverIpv6OnLoopback() throws Exception {
        InetSocketAddress server = start(loopback("::1"), 1, 4);
        Message r = TestClient.udp(server, TestClient.query("v6.svc.example.com.", Type.AAAA).toWire(), TIMEOUT_MILLIS);
        assertThat(r).isNotNull();
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void closeWakesTheThreadBlockedInRecvmmsgAndReleasesThePort() throws Exception {
        NativeUdpListener listener = new NativeUdpListener(exchange, counters, 2, 4);
        listeners.add(listener);
        InetSocketAddress server = listener.bind(loopback("127.0.0.1"));
        listener.start();
        assertThat(TestClient.udp(server, TestClient.query("db.svc.example.com.", Type.A).toWire(), TIMEOUT_MILLIS))
                .as("answered, so the threads run").isNotNull();
        List<Thread> threads = udpThreads(server);
        assertThat(threads).hasSize(2);
        // Both threads now block in recvmmsg with nothing to read.
        await().atMost(Duration.ofSeconds(30)).until(() -> threads.stream().allMatch(
                t -> t.getState() == Thread.State.RUNNABLE && isInReceive(t)));

        listener.close();

        // close() waits at most a few seconds and leaves the sockets open when a thread is still blocked:
        // the threads ending, and the port being free again, show that the shutdown woke them.
        assertThat(threads).noneMatch(Thread::isAlive);
        try (DatagramSocket again = new DatagramSocket(server)) {
            assertThat(again.getLocalPort()).isEqualTo(server.getPort());
        }
    }

    private static List<Thread> udpThreads(InetSocketAddress server) {
        String prefix = "baton-dns-udp-" + server + "-";
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).toList();
    }

    private static boolean isInReceive(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().equals(NativeUdp.class.getName())
                && stack[0].getMethodName().equals("receive");
    }

    @Test
    void aDatagramOfMaxQueryBytesOrMoreIsCountedMalformedAndNotAnswered() throws Exception {
        InetSocketAddress server = start(loopback("127.0.0.1"), 1, 4);
        byte[] query = TestClient.query("db.svc.example.com.", Type.A).toWire();
        for (int size : new int[] {UdpExchange.MAX_QUERY_BYTES, UdpExchange.MAX_QUERY_BYTES + 1000}) {
            byte[] big = new byte[size];
            System.arraycopy(query, 0, big, 0, query.length); // a real query, padded: only its size is wrong
            assertThat(TestClient.udpBytes(server, big, 1_000)).as("%d bytes", size).isNull();
        }
        assertThat(TestClient.udp(server, query, TIMEOUT_MILLIS)).as("still answering").isNotNull();
        DnsStats stats = counters.snapshot(rateLimiter);
        assertThat(stats.malformed()).isEqualTo(2);
        assertThat(stats.totalResponses()).isEqualTo(1);
    }

    @Test
    void aBurstLargerThanTheBatchIsAnsweredWhole() throws Exception {
        int batch = 4;
        int queries = 200;
        InetSocketAddress server = start(loopback("127.0.0.1"), 1, batch);
        Set<Integer> expected = new HashSet<>();
        Set<Integer> answered = new HashSet<>();
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0))) {
            client.setSoTimeout(TIMEOUT_MILLIS);
            client.setReceiveBufferSize(1 << 20);
            for (int i = 0; i < queries; i++) { // sent back to back, so recvmmsg finds more than `batch` queued
                Message q = TestClient.query(NAMES[i % NAMES.length], Type.A);
                q.getHeader().setID(i);
                byte[] wire = q.toWire();
                client.send(new DatagramPacket(wire, wire.length, server));
                expected.add(i);
            }
            byte[] buf = new byte[2048];
            for (int i = 0; i < queries; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    client.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                answered.add(new Message(Arrays.copyOf(buf, p.getLength())).getHeader().getID());
            }
        }
        assertThat(answered).isEqualTo(expected);
    }

    @Test
    void bindFailuresAreBindExceptionsWithTheSystemsReason() throws Exception {
        InetSocketAddress taken = start(loopback("127.0.0.1"), 1, 4);
        NativeUdpListener second = new NativeUdpListener(exchange, counters, 1, 4);
        listeners.add(second);
        assertThatThrownBy(() -> second.bind(taken)).isInstanceOf(BindException.class)
                .hasMessageContaining("Address already in use");
        NativeUdpListener elsewhere = new NativeUdpListener(exchange, counters, 1, 4);
        listeners.add(elsewhere);
        // TEST-NET-1 (RFC 5737) is on no interface of this machine.
        assertThatThrownBy(() -> elsewhere.bind(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0)))
                .isInstanceOf(BindException.class).hasMessageContaining("Cannot assign requested address");
    }
}
