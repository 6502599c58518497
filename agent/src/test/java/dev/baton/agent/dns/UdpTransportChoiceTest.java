package dev.baton.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Type;

/**
 * {@code dns.transport}: which UDP transport runs, and that the choice changes nothing a client can see.
 */
class UdpTransportChoiceTest {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final long CHILD_SECONDS = 60;

    private final List<DnsServer> servers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        servers.forEach(DnsServer::close);
    }

    private DnsServer start(AnswerTable table, DnsServerOptions options) throws IOException {
        DnsServer server = new DnsServer(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                new DnsAnswerer(() -> table, Currentness.ALWAYS, WhenIsolated.SERVFAIL), options);
        servers.add(server);
        server.start();
        return server;
    }

    @Test
    void theDefaultIsAutoSoTheNativeLoopWhereItLoads() throws Exception {
        assertThat(DnsServerOptions.DEFAULTS.udpTransport()).isEqualTo(UdpTransportChoice.AUTO);
        DnsServer server = start(TestZones.table(), DnsServerOptions.DEFAULTS);
        assertThat(server.udpTransport()).isEqualTo(UdpTransportChoice.NATIVE);
    }

    @Test
    void autoUsesTheNativeLoopOnThisLinuxMachine() throws Exception {
        DnsServer server = start(TestZones.table(), DnsServerOptions.DEFAULTS.withUdpTransport(UdpTransportChoice.AUTO));
        assertThat(server.udpTransport()).as("the native UDP library should load here; it did not: %s",
                NativeUdpListener.availability()).isEqualTo(UdpTransportChoice.NATIVE);
        Message r = TestClient.udp(server.boundAddresses().get(0),
                TestClient.query("db.svc.example.com.", Type.A).toWire(), TIMEOUT_MILLIS);
        assertThat(r).isNotNull();
        assertThat(r.getSection(org.xbill.DNS.Section.ANSWER)).hasSize(1);
    }

    @Test
    void nativeAndJdkSendTheSameBytesForTheSameQueries() throws Exception {
        // About 1.1 KB of NS records: truncated without EDNS or at 512, whole at 1232.
        AnswerTable table = TestZones.manyNameServers(30);
        DnsServerOptions options = new DnsServerOptions(2, DnsServerOptions.DEFAULT_TCP_IDLE_TIMEOUT, 16);
        InetSocketAddress nat = start(table, options.withUdpTransport(UdpTransportChoice.NATIVE)).boundAddresses().get(0);
        InetSocketAddress jdk = start(table, options.withUdpTransport(UdpTransportChoice.JDK)).boundAddresses().get(0);

        for (byte[] query : queries()) {
            byte[] fromNative = TestClient.udpBytes(nat, query, TIMEOUT_MILLIS);
            byte[] fromJdk = TestClient.udpBytes(jdk, query, TIMEOUT_MILLIS);
            assertThat(fromNative).as("query %s", Arrays.toString(query)).isNotNull().isEqualTo(fromJdk);
        }
        DnsStats a = servers.get(0).stats();
        DnsStats b = servers.get(1).stats();
        assertThat(a).isEqualTo(b);
        assertThat(a.malformed()).isPositive();
        assertThat(a.truncated()).isPositive();
        assertThat(a.internalErrors()).isZero();
    }

    /** Names of every kind, several qtypes, with and without EDNS at several sizes, mixed case; and broken ones. */
    private static List<byte[]> queries() throws IOException {
        List<byte[]> queries = new ArrayList<>();
        String[] names = {"db.svc.example.com.", "DB.Svc.Example.COM.", "v6.svc.example.com.", "web.svc.example.com.",
            "nope.svc.example.com.", "svc.example.com.", "www.example.org."};
        int[] types = {Type.A, Type.AAAA, Type.NS, Type.SOA, Type.ANY, Type.AXFR};
        int[] payloads = {0, 512, 1232, 4096};
        for (String name : names) {
            for (int type : types) {
                for (int payload : payloads) {
                    Message q = TestClient.query(name, type);
                    if (payload > 0) q.addRecord(new OPTRecord(payload, 0, 0, payload == 4096 ? Flags.DO : 0),
                            org.xbill.DNS.Section.ADDITIONAL);
                    queries.add(q.toWire());
                }
            }
        }
        Message status = TestClient.query("db.svc.example.com.", Type.A);
        status.getHeader().setOpcode(Opcode.STATUS);
        queries.add(status.toWire());
        byte[] twoQuestions = TestClient.query("db.svc.example.com.", Type.A).toWire();
        twoQuestions[5] = 2; // QDCOUNT 2, one question present: FORMERR
        queries.add(twoQuestions);
        byte[] cut = TestClient.query("db.svc.example.com.", Type.A).toWire();
        queries.add(Arrays.copyOf(cut, cut.length - 3)); // the question cut short: FORMERR
        return queries;
    }

    @Test
    void withoutTheNativeLibraryAutoFallsBackToTheJdkAndNativeFailsNamingTheCause() throws Exception {
        // The library loads once per JVM, so ask a fresh one where it cannot be extracted (no temp directory).
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=/nonexistent/baton-test",
                "-cp", System.getProperty("java.class.path"), UdpTransportProbe.class.getName())
                .redirectErrorStream(true).start();
        try {
            if (!child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) fail("the probe JVM did not finish in " + CHILD_SECONDS + " s");
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as(output).isZero();
            assertThat(output).contains("auto: JDK, answered NOERROR")
                    .contains("native: IllegalStateException: dns.transport is native, but extracting the native UDP"
                            + " library failed:")
                    .contains("/nonexistent/baton-test");
        } finally {
            child.destroyForcibly();
        }
    }
}
