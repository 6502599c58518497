package dev.baton.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Seeded, bounded fuzzing over real UDP and TCP: random and mutated packets never stop the server, every
 * response it sends parses, and a valid query is still answered correctly afterwards. Replay a failure with
 * {@code -Ddns.fuzz.seed=N}. Once per UDP transport.
 */
@ParameterizedClass(name = "UDP over {0}")
@EnumSource(value = UdpTransportChoice.class, names = {"NATIVE", "JDK"})
class DnsServerFuzzTest {

    private static final long SEED = Long.getLong("dns.fuzz.seed", 0x5EED_D45L);
    private static final int UDP_PACKETS = 15_000;
    private static final int UDP_BATCH = 250;
    private static final int TCP_CONNECTIONS = 50;
    private static final int TCP_MESSAGES_PER_CONNECTION = 100;
    private static final int TCP_RAW_STREAMS = 20;
    private static final int TIMEOUT_MILLIS = 10_000;

    private static final String[] NAMES = {
        "db.svc.example.com.", "v6.svc.example.com.", "web.svc.example.com.", "alias.svc.example.com.",
        "nope.svc.example.com.", "svc.example.com.", "a.deep.svc.example.com.", "example.org.",
    };
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.CNAME, Type.ANY, Type.SOA, Type.NS, Type.MX, Type.AXFR};

    private final Random random = new Random(SEED);
    private final AtomicReference<AnswerTable> table = new AtomicReference<>(TestZones.table());
    private DnsServer server;
    private InetSocketAddress address;
    private int probeId = 1;
    private final UdpTransportChoice transport;

    DnsServerFuzzTest(UdpTransportChoice transport) {
        this.transport = transport;
    }

    @BeforeEach
    void start() throws IOException {
        server = new DnsServer(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                new DnsAnswerer(table::get, Currentness.ALWAYS, WhenIsolated.SERVFAIL),
                new DnsServerOptions(2, java.time.Duration.ofSeconds(10), 256).withUdpTransport(transport));
        server.start();
        address = server.boundAddresses().get(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void survivesRandomAndMutatedPacketsOverUdpAndTcp() throws Exception {
        String seed = "seed " + SEED + " (replay with -Ddns.fuzz.seed=" + SEED + ")";
        fuzzUdp(seed);
        fuzzTcp(seed);
        for (int i = 0; i < TCP_RAW_STREAMS; i++) rawTcpStream(seed);

        Message udp = TestClient.udp(address, TestClient.query("db.svc.example.com.", Type.A).toWire(), TIMEOUT_MILLIS);
        assertThat(udp).as(seed).isNotNull();
        assertCorrectDbAnswer(udp, seed);
        try (Socket s = connect()) {
            s.getOutputStream().write(TestClient.frame(TestClient.query("db.svc.example.com.", Type.A).toWire()));
            assertCorrectDbAnswer(TestClient.readFramed(s), seed);
        }
        DnsStats stats = server.stats();
        assertThat(stats.internalErrors()).as(seed).isZero();
        assertThat(stats.malformed()).as(seed).isPositive();
        assertThat(stats.responses(Rcode.FORMERR)).as(seed).isPositive();
    }

    private void fuzzUdp(String seed) throws IOException {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(address.getAddress(), 0))) {
            client.setReceiveBufferSize(1 << 20);
            for (int sent = 0; sent < UDP_PACKETS; sent += UDP_BATCH) {
                for (int i = 0; i < UDP_BATCH; i++) {
                    byte[] p = nextPacket();
                    client.send(new DatagramPacket(p, p.length, address));
                }
                // Pace the flood and check liveness: the probe's answer comes after the batch's.
                awaitUdpProbe(client, seed);
            }
        }
    }

    private void awaitUdpProbe(DatagramSocket client, String seed) throws IOException {
        Message probe = probe();
        byte[] wire = probe.toWire();
        byte[] buf = new byte[65535];
        for (int attempt = 0; attempt < 5; attempt++) { // loopback may still drop a datagram under load
            client.send(new DatagramPacket(wire, wire.length, address));
            client.setSoTimeout(2_000);
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    client.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                Message r = parseResponse(buf, p.getLength(), seed);
                if (r.getHeader().getID() == probe.getHeader().getID() && r.getQuestion() != null
                        && r.getQuestion().getName().equals(probe.getQuestion().getName())) {
                    assertCorrectDbAnswer(r, seed);
                    return;
                }
            }
        }
        throw new AssertionError("no answer to a valid UDP query during fuzzing, " + seed);
    }

    private void fuzzTcp(String seed) throws IOException {
        for (int c = 0; c < TCP_CONNECTIONS; c++) {
            try (Socket s = connect()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 0; i < TCP_MESSAGES_PER_CONNECTION; i++) {
                    byte[] m = nextPacket();
                    out.write(TestClient.frame(m));
                }
                Message probe = probe();
                out.write(TestClient.frame(probe.toWire()));
                s.getOutputStream().write(out.toByteArray());
                s.shutdownOutput();
                Message last = null;
                DataInputStream in = new DataInputStream(s.getInputStream());
                while (true) {
                    int length;
                    try {
                        length = in.readUnsignedShort();
                    } catch (EOFException e) {
                        break;
                    }
                    byte[] wire = new byte[length];
                    in.readFully(wire);
                    last = parseResponse(wire, length, seed);
                }
                assertThat(last).as("TCP connection %d produced no answer to the final valid query, %s", c, seed)
                        .isNotNull();
                assertThat(last.getHeader().getID()).as(seed).isEqualTo(probe.getHeader().getID());
                assertCorrectDbAnswer(last, seed);
            }
        }
    }

    /** Unframed random bytes, then end of stream: the server must close the connection and carry on. */
    private void rawTcpStream(String seed) throws IOException {
        try (Socket s = connect()) {
            byte[] junk = new byte[random.nextInt(2000)];
            random.nextBytes(junk);
            s.getOutputStream().write(junk);
            s.shutdownOutput();
            try {
                while (s.getInputStream().read(new byte[4096]) >= 0) {
                    // drain whatever it answered
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("server kept a half-closed connection open, " + seed, e);
            } catch (IOException e) {
                // reset: fine
            }
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(address, TIMEOUT_MILLIS);
        s.setSoTimeout(TIMEOUT_MILLIS);
        return s;
    }

    private Message probe() {
        Message q = TestClient.query("db.svc.example.com.", Type.A);
        q.getHeader().setID(probeId++ & 0xFFFF);
        return q;
    }

    private static Message parseResponse(byte[] buf, int length, String seed) {
        byte[] wire = java.util.Arrays.copyOf(buf, length);
        try {
            Message r = new Message(wire);
            assertThat(r.getHeader().getFlag(Flags.QR)).as(seed).isTrue();
            return r;
        } catch (IOException e) {
            throw new AssertionError("the server sent a response that does not parse, " + seed, e);
        }
    }

    private static void assertCorrectDbAnswer(Message r, String seed) {
        assertThat(r.getRcode()).as(seed).isEqualTo(Rcode.NOERROR);
        assertThat(r.getSection(Section.ANSWER)).as(seed).hasSize(1);
        assertThat(r.getSection(Section.ANSWER).get(0).rdataToString()).as(seed).isEqualTo("192.0.2.10");
    }

    // ---- packet generation ----

    private byte[] nextPacket() {
        return switch (random.nextInt(4)) {
            case 0 -> randomBytes(random.nextInt(600));
            case 1 -> randomHeaderThenBytes();
            default -> mutate(validQuery());
        };
    }

    private byte[] randomBytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** A plausible header (QR clear, small counts) followed by random bytes: reaches the record parsers. */
    private byte[] randomHeaderThenBytes() {
        byte[] b = randomBytes(12 + random.nextInt(300));
        b[2] &= 0x7F;
        for (int i = 4; i < 12; i += 2) {
            b[i] = 0;
            b[i + 1] = (byte) random.nextInt(4);
        }
        return b;
    }

    private byte[] validQuery() {
        Message q = TestClient.query(NAMES[random.nextInt(NAMES.length)], TYPES[random.nextInt(TYPES.length)]);
        if (random.nextBoolean()) {
            q.addRecord(new OPTRecord(random.nextInt(65536), 0, random.nextInt(3), random.nextInt(65536)),
                    Section.ADDITIONAL);
        }
        return q.toWire();
    }

    private byte[] mutate(byte[] packet) {
        byte[] b = packet;
        int mutations = 1 + random.nextInt(5);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(7)) {
                case 0 -> { // flip a bit
                    if (b.length > 0) b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
                case 1 -> { // overwrite a byte
                    if (b.length > 0) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1)); // truncate
                case 3 -> { // append junk
                    byte[] tail = randomBytes(random.nextInt(64));
                    byte[] longer = java.util.Arrays.copyOf(b, b.length + tail.length);
                    System.arraycopy(tail, 0, longer, b.length, tail.length);
                    b = longer;
                }
                case 4 -> { // a compression pointer anywhere, possibly forward or to itself
                    if (b.length > 13) {
                        int at = 12 + random.nextInt(b.length - 13);
                        b[at] = (byte) (0xC0 | random.nextInt(0x40));
                        b[at + 1] = (byte) random.nextInt(256);
                    }
                }
                case 5 -> { // a section count
                    if (b.length >= 12) {
                        int at = 4 + 2 * random.nextInt(4);
                        b[at] = (byte) random.nextInt(256);
                        b[at + 1] = (byte) random.nextInt(256);
                    }
                }
                default -> { // the opcode and flags
                    if (b.length >= 4) {
                        b[2] = (byte) (random.nextInt(256) & 0x7F);
                        b[3] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        return b;
    }
}
