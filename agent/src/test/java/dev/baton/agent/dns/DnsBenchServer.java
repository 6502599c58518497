package dev.baton.agent.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.baton.agent.metrics.BatonMetrics;
import io.micrometer.core.instrument.Timer;
import org.xbill.DNS.Name;

/**
 * The embedded DNS server alone, for {@code bench/dns-throughput.sh} (not a test): serves a fixed zone on
 * 127.0.0.1 with the table always current, prints its PID, and exits after {@code maxSeconds} at the latest so a
 * forgotten process cannot linger.
 *
 * <p>The zone must match the zone file the script writes for Knot DNS: origin {@value #ORIGIN}, TTL
 * {@value #TTL_SECONDS} s, NS {@code ns1} with glue 127.0.0.1, SOA serial {@value #SERIAL} and the default SOA
 * timers, services {@code s01} .. {@code sNN} answering A 192.0.2.N.
 *
 * <p>Usage: {@code DnsBenchServer <port> [services=10] [udpThreads=1] [maxSeconds=900] [variant] [udpBatch=16]};
 * the variant is empty or a combination of {@code -native}, {@code -timed}, {@code -micrometer}: {@code -native}
 * serves UDP on Baton's native loop ({@code udpBatch} datagrams per recvmmsg/sendmmsg), otherwise on the JDK's
 * {@code DatagramChannel}; {@code -timed} records each answer's latency into the metrics' histogram, as the agent
 * does; {@code -micrometer} into a Micrometer {@code Timer} with the same buckets instead (the alternative the
 * agent does not use).
 */
public final class DnsBenchServer {

    static final String ORIGIN = "svc.bench.";
    static final long TTL_SECONDS = 60;
    static final long SERIAL = 1;

    private DnsBenchServer() {
    }

    private static AnswerTimer answerTimer(String timing, BatonMetrics metrics) {
        return switch (timing) {
            case "", "-native" -> AnswerTimer.NONE;
            case "-timed", "-native-timed" -> metrics.dnsAnswerTimer();
            case "-micrometer", "-native-micrometer" -> {
                Timer timer = Timer.builder("bench.dns.answer.duration")
                        .serviceLevelObjectives(Duration.ofNanos(10_000), Duration.ofNanos(25_000),
                                Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000),
                                Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
                                Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(100))
                        .register(metrics.registry());
                yield nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
            }
            default -> throw new IllegalArgumentException(
                    "the variant must be empty, -timed, -micrometer, -native, -native-timed or -native-micrometer, not " + timing);
        };
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DnsBenchServer <port> [services=10] [udpThreads=1] [maxSeconds=900]"
                    + " [-native][-timed|-micrometer] [udpBatch=16]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int services = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int udpThreads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        long maxSeconds = args.length > 3 ? Long.parseLong(args[3]) : 900;
        String timing = args.length > 4 ? args[4] : "";
        int udpBatch = args.length > 5 ? Integer.parseInt(args[5]) : DnsServerOptions.DEFAULT_UDP_BATCH;
        if (services < 1 || services > 254) throw new IllegalArgumentException("services must be in [1, 254]");

        Name origin = Name.fromString(ORIGIN);
        Name ns1 = Name.fromString("ns1." + ORIGIN);
        ZoneSettings zone = ZoneSettings.defaults(origin, Duration.ofSeconds(TTL_SECONDS))
                .withNameServers(List.of(ns1), Map.of(ns1, List.of(InetAddress.getByName("127.0.0.1"))));
        Map<String, ServiceTarget> targets = new LinkedHashMap<>();
        for (int i = 1; i <= services; i++) {
            targets.put(String.format("s%02d", i), ServiceTarget.parse("192.0.2." + i));
        }
        AnswerTable table = AnswerTable.build(zone, SERIAL, targets);
        DnsAnswerer answerer = new DnsAnswerer(() -> table, Currentness.ALWAYS, WhenIsolated.SERVFAIL);
        DnsServerOptions options = new DnsServerOptions(udpThreads, DnsServerOptions.DEFAULT_TCP_IDLE_TIMEOUT,
                DnsServerOptions.DEFAULT_MAX_TCP_CONNECTIONS)
                .withUdpTransport(timing.startsWith("-native") ? UdpTransportChoice.NATIVE : UdpTransportChoice.JDK)
                .withUdpBatch(udpBatch);
        try (BatonMetrics metrics = new BatonMetrics();
             DnsServer server = new DnsServer(List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)),
                     answerer, options, answerTimer(timing, metrics))) {
            server.start();
            System.out.println("pid " + ProcessHandle.current().pid() + " listening on " + server.boundAddresses()
                    + ", UDP via " + server.udpTransport());
            System.out.flush();
            // Runs until killed, or until maxSeconds have passed.
            new CountDownLatch(1).await(maxSeconds, TimeUnit.SECONDS);
            System.out.println("stats " + server.stats());
            System.out.println(metrics.scrape().lines().filter(l -> l.contains("dns_answer_duration_seconds_count")).toList());
        }
    }
}
