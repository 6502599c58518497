package dev.baton.agent.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.dns.ratelimit.RateLimitSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Response rate limiting as the real {@code dig} sees it: truncated answers past the limit, and TCP still works;
 * once per UDP transport.
 */
@ParameterizedClass(name = "UDP over {0}")
@EnumSource(value = UdpTransportChoice.class, names = {"NATIVE", "JDK"})
class DnsRateLimitDigTest {
    private static final int QUERIES = 40;
    private DnsServer server;
    private final UdpTransportChoice transport;

    DnsRateLimitDigTest(UdpTransportChoice transport) {
        this.transport = transport;
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private int start(RateLimitSettings rateLimit) throws Exception {
        server = new DnsServer(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                new DnsAnswerer(TestZones::table, Currentness.ALWAYS, WhenIsolated.SERVFAIL),
                DnsServerOptions.withRateLimit(rateLimit).withUdpTransport(transport));
        server.start();
        return server.boundAddresses().get(0).getPort();
    }

    /** {@code QUERIES} queries for the same name in one dig run (dig sends them one after the other). */
    private static List<String> queries(String... global) {
        List<String> args = new ArrayList<>(List.of(global));
        for (int i = 0; i < QUERIES; i++) args.addAll(List.of("db.svc.example.com", "A"));
        return args;
    }

    @Test
    void pastTheLimitDigGetsTruncatedAnswersAndItsTcpRetryIsAnswered() throws Exception {
        int port = start(new RateLimitSettings(5, 1, Duration.ofSeconds(15), 24, 56, 1000, false));

        Dig.Result udp = Dig.run(port, queries("+ignore").toArray(String[]::new));
        assertThat(udp.responses()).as(udp.output()).hasSize(QUERIES);
        List<Dig.Response> full = udp.responses().stream().filter(r -> !r.flags().contains("tc")).toList();
        List<Dig.Response> truncated = udp.responses().stream().filter(r -> r.flags().contains("tc")).toList();
        assertThat(full).as("within the burst of one second's rate").hasSizeBetween(5, 10)
                .allSatisfy(r -> assertThat(r.answer()).extracting(Dig.Rr::rdata).containsExactly("192.0.2.10"));
        assertThat(truncated).as(udp.output()).hasSizeGreaterThanOrEqualTo(QUERIES - 10)
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo("NOERROR");
                    assertThat(r.answer()).isEmpty();
                    assertThat(r.authority()).isEmpty();
                });
        assertThat(server.stats().rateLimitedTruncated()).isEqualTo(truncated.size());

        // Without +ignore, dig does what a resolver does with TC: it asks again over TCP, which is not limited.
        Dig.Response retried = Dig.run(port, "db.svc.example.com", "A").single();
        assertThat(retried.flags()).doesNotContain("tc");
        assertThat(retried.answer()).extracting(Dig.Rr::rdata).containsExactly("192.0.2.10");
        assertThat(server.stats().tcpConnectionsAccepted()).isEqualTo(1);
    }

    @Test
    void byDefaultFortyQueriesInARowAreNotLimited() throws Exception {
        int port = start(RateLimitSettings.DEFAULTS);
        Dig.Result udp = Dig.run(port, queries("+ignore").toArray(String[]::new));
        assertThat(udp.responses()).hasSize(QUERIES).allSatisfy(r -> assertThat(r.flags()).doesNotContain("tc"));
        assertThat(server.stats().rateLimitedDropped() + server.stats().rateLimitedTruncated()).isZero();
    }
}
