package dev.baton.agent.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Run in a child JVM by {@link UdpTransportChoiceTest} (not a test): starts a server under {@code auto} and
 * under {@code native} and prints what happened, one line each.
 */
public final class UdpTransportProbe {

    private UdpTransportProbe() {
    }

    public static void main(String[] args) throws Exception {
        List<InetSocketAddress> listen = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        DnsAnswerer answerer = new DnsAnswerer(TestZones::table, Currentness.ALWAYS, WhenIsolated.SERVFAIL);
        try (DnsServer auto = new DnsServer(listen, answerer,
                DnsServerOptions.DEFAULTS.withUdpTransport(UdpTransportChoice.AUTO))) {
            auto.start();
            Message r = TestClient.udp(auto.boundAddresses().get(0),
                    TestClient.query("db.svc.example.com.", Type.A).toWire(), 10_000);
            System.out.println("auto: " + auto.udpTransport() + ", answered "
                    + (r == null ? "nothing" : Rcode.string(r.getRcode())));
        }
        try (DnsServer nat = new DnsServer(listen, answerer,
                DnsServerOptions.DEFAULTS.withUdpTransport(UdpTransportChoice.NATIVE))) {
            nat.start();
            System.out.println("native: started on " + nat.udpTransport());
        } catch (IllegalStateException e) {
            System.out.println("native: IllegalStateException: " + e.getMessage());
        }
    }
}
