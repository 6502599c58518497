package dev.baton.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interoperability with the real {@code dig}, over UDP and TCP, against the server on loopback; once per UDP
 * transport.
 */
@ParameterizedClass(name = "UDP over {0}")
@EnumSource(value = UdpTransportChoice.class, names = {"NATIVE", "JDK"})
class DnsServerDigTest {

    private final AtomicReference<AnswerTable> table = new AtomicReference<>(TestZones.table());
    private final AtomicBoolean current = new AtomicBoolean(true);
    private DnsServer server;
    private int port;
    private final UdpTransportChoice transport;

    DnsServerDigTest(UdpTransportChoice transport) {
        this.transport = transport;
    }

    @BeforeEach
    void start() throws Exception {
        server = new DnsServer(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                new DnsAnswerer(table::get, service -> current.get(), WhenIsolated.SERVFAIL),
                DnsServerOptions.DEFAULTS.withUdpTransport(transport));
        server.start();
        assertThat(server.udpTransport()).isEqualTo(transport);
        port = server.boundAddresses().get(0).getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRecordOverUdpWithEdns() {
        Dig.Response r = dig("db.svc.example.com", "A").single();
        assertThat(r.status()).isEqualTo("NOERROR");
        assertThat(r.flags()).contains("qr", "aa").doesNotContain("tc", "ra");
        assertThat(r.ednsUdp()).isEqualTo(1232);
        assertThat(r.answer()).containsExactly(new Dig.Rr("db.svc.example.com.", 5, "A", "192.0.2.10"));
    }

    @Test
    void aRecordOverUdpWithoutEdnsAndOverTcp() {
        Dig.Response plain = dig("+noedns", "DB.Svc.Example.COM", "A").single();
        assertThat(plain.status()).isEqualTo("NOERROR");
        assertThat(plain.ednsUdp()).isNull();
        assertThat(plain.answer()).extracting(Dig.Rr::rdata).containsExactly("192.0.2.10");

        Dig.Response tcp = dig("+tcp", "v6.svc.example.com", "AAAA").single();
        assertThat(tcp.status()).isEqualTo("NOERROR");
        assertThat(tcp.flags()).contains("aa");
        assertThat(tcp.answer()).containsExactly(new Dig.Rr("v6.svc.example.com.", 5, "AAAA", "2001:db8::10"));
        assertThat(server.stats().tcpConnectionsAccepted()).isEqualTo(1);
    }

    @Test
    void hostNameTargetIsACname() {
        Dig.Response r = dig("web.svc.example.com", "AAAA").single();
        assertThat(r.status()).isEqualTo("NOERROR");
        assertThat(r.answer()).containsExactly(new Dig.Rr("web.svc.example.com.", 5, "CNAME", "web.example.net."));
    }

    @Test
    void nodataAndNxdomainCarryTheSoa() {
        Dig.Response nodata = dig("db.svc.example.com", "AAAA").single();
        assertThat(nodata.status()).isEqualTo("NOERROR");
        assertThat(nodata.flags()).contains("aa");
        assertThat(nodata.answer()).isEmpty();
        assertThat(nodata.authority()).extracting(Dig.Rr::type).containsExactly("SOA");
        assertThat(nodata.authority().get(0).rdata())
                .isEqualTo("ns1.svc.example.com. hostmaster.svc.example.com. 42 3600 600 604800 60");

        Dig.Response nx = dig("+tcp", "nope.svc.example.com", "A").single();
        assertThat(nx.status()).isEqualTo("NXDOMAIN");
        assertThat(nx.flags()).contains("aa");
        assertThat(nx.authority()).extracting(Dig.Rr::name, Dig.Rr::ttl, Dig.Rr::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("svc.example.com.", 5L, "SOA"));
    }

    @Test
    void apexSoaAndNs() {
        assertThat(dig("svc.example.com", "SOA").single().answer()).extracting(Dig.Rr::type).containsExactly("SOA");
        assertThat(dig("svc.example.com", "NS").single().answer()).extracting(Dig.Rr::rdata)
                .containsExactly("ns1.svc.example.com.", "ns2.svc.example.com.", "ns.example.net.");
    }

    @Test
    void outsideTheZoneIsRefusedWithoutAa() {
        Dig.Response r = dig("www.example.org", "A").single();
        assertThat(r.status()).isEqualTo("REFUSED");
        assertThat(r.flags()).contains("qr").doesNotContain("aa");
    }

    @Test
    void otherOpcodeIsNotImplemented() {
        Dig.Response r = dig("+opcode=status", "db.svc.example.com", "A").single();
        assertThat(r.opcode()).isEqualTo("STATUS");
        assertThat(r.status()).isEqualTo("NOTIMP");
    }

    @Test
    void queryWithoutQuestionIsFormerr() {
        List<Dig.Response> responses = dig("+header-only", "+noedns", "db.svc.example.com", "A").responses();
        assertThat(responses).isNotEmpty();
        assertThat(responses).allSatisfy(r -> assertThat(r.status()).isEqualTo("FORMERR"));
    }

    @Test
    void largeAnswerIsTruncatedOverUdpAndWholeOverTcp() {
        table.set(TestZones.manyNameServers(30)); // about 1.1 KB of NS records

        Dig.Response udp512 = dig("+noedns", "+ignore", "svc.example.com", "NS").single();
        assertThat(udp512.flags()).contains("tc");
        assertThat(udp512.answer()).isEmpty(); // the one NS RRset is dropped whole
        Dig.Response small = dig("+bufsize=512", "+ignore", "svc.example.com", "NS").single();
        assertThat(small.flags()).contains("tc");

        Dig.Response edns = dig("+bufsize=1232", "+ignore", "svc.example.com", "NS").single();
        assertThat(edns.flags()).doesNotContain("tc");
        assertThat(edns.answer()).hasSize(30);

        Dig.Response tcp = dig("+tcp", "+noedns", "svc.example.com", "NS").single();
        assertThat(tcp.flags()).doesNotContain("tc");
        assertThat(tcp.answer()).hasSize(30);
        assertThat(server.stats().truncated()).isEqualTo(2);

        // Without +ignore dig itself retries over TCP on the same port after TC.
        long tcpBefore = server.stats().tcpConnectionsAccepted();
        Dig.Result retried = dig("+noedns", "svc.example.com", "NS");
        assertThat(retried.responses().get(retried.responses().size() - 1).answer()).hasSize(30);
        assertThat(server.stats().tcpConnectionsAccepted()).isEqualTo(tcpBefore + 1);
    }

    @Test
    void ednsPayloadAboveOurMaximumIsCappedAt1232() {
        table.set(TestZones.manyNameServers(40)); // about 1.45 KB: more than 1232
        Dig.Response r = dig("+bufsize=4096", "+ignore", "svc.example.com", "NS").single();
        assertThat(r.flags()).contains("tc");
        assertThat(r.ednsUdp()).isEqualTo(1232);
        assertThat(dig("+tcp", "svc.example.com", "NS").single().answer()).hasSize(40);
    }

    @Test
    void severalQueriesShareOneTcpConnection() {
        Dig.Result result = dig("+tcp", "+keepopen",
                "db.svc.example.com", "A", "v6.svc.example.com", "AAAA", "nope.svc.example.com", "A");
        assertThat(result.responses()).extracting(Dig.Response::status)
                .containsExactly("NOERROR", "NOERROR", "NXDOMAIN");
        assertThat(result.responses().get(0).answer()).extracting(Dig.Rr::rdata).containsExactly("192.0.2.10");
        assertThat(result.responses().get(1).answer()).extracting(Dig.Rr::rdata).containsExactly("2001:db8::10");
        assertThat(server.stats().tcpConnectionsAccepted()).isEqualTo(1);
    }

    @Test
    void servfailForServicesWhileNotCurrent() {
        current.set(false);
        Dig.Response r = dig("db.svc.example.com", "A").single();
        assertThat(r.status()).isEqualTo("SERVFAIL");
        assertThat(r.answer()).isEmpty();
        assertThat(dig("+tcp", "svc.example.com", "SOA").single().status()).isEqualTo("NOERROR");

        current.set(true);
        assertThat(dig("db.svc.example.com", "A").single().status()).isEqualTo("NOERROR");
    }

    private Dig.Result dig(String... args) {
        return Dig.run(port, args);
    }
}
