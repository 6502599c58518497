package dev.baton.agent.bench;

import dev.baton.agent.config.Secret;
import dev.baton.agent.config.publish.DigitalOceanDnsConfig;
import dev.baton.agent.config.publish.DigitalOceanFloatingIpConfig;
import dev.baton.agent.config.publish.RecordType;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.Publisher;
import dev.baton.agent.publish.Role;
import dev.baton.agent.publish.WriteGate;
import dev.baton.agent.publish.digitalocean.DigitalOceanApi;
import dev.baton.agent.publish.digitalocean.DigitalOceanDnsPublisher;
import dev.baton.agent.publish.digitalocean.DigitalOceanFloatingIpPublisher;
import dev.baton.agent.publish.digitalocean.FakeDigitalOcean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Intent change → confirmed, for the two DigitalOcean publishers against {@link FakeDigitalOcean} on loopback:
 * each trial hands the publisher a new intent (the placement alternates between two values, the fence rises) and
 * times {@code reconcile} until it returns {@code WRITTEN}, i.e. read, write(s) and read-back. It measures
 * Baton's own cost (HTTP client, JSON, request count); DigitalOcean's latency and its action execution time
 * (seconds) come on top and are not modelled.
 *
 * <p>Run: {@code java -cp agent/target/baton.jar:agent/target/test-classes
 * dev.baton.agent.bench.DigitalOceanPublishBench [changes]} (default 200).
 */
public final class DigitalOceanPublishBench {
    private static final String TOKEN = "dop_v1_bench000000000000000000000000000000000000000000";
    private static final int WARMUP = 30;

    private DigitalOceanPublishBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Secret secret = new Secret(TOKEN.getBytes(StandardCharsets.UTF_8), "bench");
        System.out.printf("DigitalOcean publishers against FakeDigitalOcean, %d changes each (after %d warm-up)%n%n",
                n, WARMUP);
        System.out.println("| change → confirmed | requests | p50 ms | p99 ms | min ms | max ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        try (FakeDigitalOcean fake = FakeDigitalOcean.start(TOKEN)) {
            fake.addDomain("example.com").pageSize(20);
            for (int i = 0; i < 10; i++) fake.addRecord("example.com", "A", "host" + i, "192.0.2." + (100 + i), 1800);
            var dns = new DigitalOceanDnsPublisher(new DigitalOceanDnsConfig("example.com", "db", RecordType.A,
                    Duration.ofSeconds(30), secret, fake.url()), DigitalOceanApi.DEFAULT_WRITE_TIMEOUT);
            row("DNS A record moved (fence + record)", fake, n,
                    i -> dns.reconcile(intent(new Placement("a", "192.0.2." + (10 + i % 2), Optional.empty(),
                            Optional.empty()), i), WriteGate.LOCAL), dns);

            fake.addReservedIp("203.0.113.10", 1L).actionPolls(1);
            var config = new DigitalOceanFloatingIpConfig("203.0.113.10", secret, fake.url());
            var ip = new DigitalOceanFloatingIpPublisher(config, new DigitalOceanApi(fake.url(), secret), Duration.ZERO,
                    DigitalOceanFloatingIpPublisher.DEFAULT_MAX_POLLS);
            row("reserved IP moved (action done at 1st poll)", fake, n,
                    i -> ip.reconcile(intent(new Placement("a", "10.0.0.5", Optional.of(3164444L + i % 2),
                            Optional.empty()), i), WriteGate.LOCAL), ip);
        }
    }

    private interface Trial {
        Outcome run(long i) throws Exception;
    }

    private static void row(String name, FakeDigitalOcean fake, int n, Trial trial, Publisher publisher) throws Exception {
        for (int i = 0; i < WARMUP; i++) expectWritten(trial.run(i), publisher);
        fake.clearRequests();
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            Outcome outcome = trial.run(WARMUP + i);
            nanos[i] = System.nanoTime() - start;
            expectWritten(outcome, publisher);
        }
        Arrays.sort(nanos);
        double requests = fake.requests().size() / (double) n;
        System.out.printf("| %s | %.1f | %.1f | %.1f | %.1f | %.1f |%n", name, requests, ms(pct(nanos, 50)),
                ms(pct(nanos, 99)), ms(nanos[0]), ms(nanos[n - 1]));
    }

    private static void expectWritten(Outcome outcome, Publisher publisher) {
        if (outcome.result() != Outcome.Result.WRITTEN) {
            throw new IllegalStateException(publisher.target() + ": expected WRITTEN, got " + outcome);
        }
    }

    private static Intent intent(Placement placement, long index) {
        return new Intent("db", Optional.of(placement), Optional.empty(), new Fence(1, index + 1), "bench", 0,
                Role.LEADER, false);
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
