package dev.baton.agent.bench;

import dev.baton.agent.config.publish.RecordType;
import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.Role;
import dev.baton.agent.publish.WriteGate;
import dev.baton.agent.publish.rfc2136.AuthoritativeServer;
import dev.baton.agent.publish.rfc2136.BindServer;
import dev.baton.agent.publish.rfc2136.KnotServer;
import dev.baton.agent.publish.rfc2136.Rfc2136Publisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code rfc2136} publisher's write latency against BIND 9 and Knot DNS, side by side: each server is started
 * by the bench on loopback (one worker thread each, zone file plus journal in a temp directory, the operator's
 * grants for one record), then one {@link Rfc2136Publisher} (hmac-sha256, TCP, 2 s timeout) makes N changes
 * alternating the A record between 127.0.0.1 and 127.0.0.2, each with a rising fence. A figure is one
 * {@code reconcile} call from the intent change to its return with WRITTEN: read record and fence (2 TCP
 * queries), one UPDATE, read back (2 TCP queries), all signed and verified. The "in sync" column times a
 * reconcile of an unchanged intent (the engine's 30 s resync: the two reads only). 10 untimed changes first
 * warm up the JIT and the server.
 *
 * <p>Run: {@code java -cp agent/target/baton.jar:agent/target/test-classes dev.baton.agent.bench.Rfc2136PublishBench [changes]}.
 * Not a test: nothing asserts, it prints a table.
 */
public final class Rfc2136PublishBench {
    private static final String ZONE = "ext.example.com.";
    private static final String RECORD = "db.ext.example.com.";
    private static final int WARMUP = 10;
    private static final WriteGate OPEN = timeout -> { };

    private Rfc2136PublishBench() {
    }

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        System.out.printf("rfc2136 publish bench: %d changes per server%nmachine: %d CPUs (%s), %s, load %s%n",
                changes, Runtime.getRuntime().availableProcessors(), BenchSupport.cpuModel(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), BenchSupport.loadAverage());
        List<Supplier<AuthoritativeServer>> servers = List.of(
                () -> BindServer.start(ZONE, AuthoritativeServer.Key.random("baton-key.", "hmac-sha256"), RECORD),
                () -> KnotServer.start(ZONE, AuthoritativeServer.Key.random("baton-key.", "hmac-sha256"), RECORD));
        StringBuilder table = new StringBuilder(String.format("%-10s %7s %9s %9s %9s %9s %14s%n",
                "server", "changes", "p50 ms", "p99 ms", "max ms", "failed", "in sync p50"));
        for (Supplier<AuthoritativeServer> start : servers) {
            try (AuthoritativeServer server = start.get()) {
                table.append(measure(server, changes));
            }
        }
        System.out.print(table);
        System.out.printf("load at the end: %s%n", BenchSupport.loadAverage());
        System.exit(0);
    }

    private static String measure(AuthoritativeServer server, int changes) throws Exception {
        Rfc2136Publisher publisher = new Rfc2136Publisher(new Rfc2136Config(server.address(), ZONE, RECORD,
                RecordType.A, Duration.ofSeconds(5), Optional.of(server.key().toConfig())));
        long index = 0;
        for (int i = 0; i < WARMUP; i++) publisher.reconcile(intent(i, ++index), OPEN);
        long[] writeNanos = new long[changes];
        long[] syncNanos = new long[changes];
        int failed = 0;
        for (int i = 0; i < changes; i++) {
            Intent intent = intent(i, ++index);
            long start = System.nanoTime();
            Outcome outcome;
            try {
                outcome = publisher.reconcile(intent, OPEN);
            } catch (Exception e) {
                System.out.printf("%s change %d: %s%n", server.software(), i, e.getMessage());
                outcome = null;
            }
            writeNanos[i] = System.nanoTime() - start;
            if (writeNanos[i] > 100_000_000L) System.out.printf("%s change %d took %.1f ms%n", server.software(), i, millis(writeNanos[i]));
            if (outcome == null || outcome.result() != Outcome.Result.WRITTEN) failed++;
            start = System.nanoTime();
            publisher.reconcile(intent, OPEN);
            syncNanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(writeNanos);
        Arrays.sort(syncNanos);
        return String.format("%-10s %7d %9.1f %9.1f %9.1f %9d %14.1f%n", server.software(), changes,
                millis(BenchSupport.percentile(writeNanos, 50)), millis(BenchSupport.percentile(writeNanos, 99)),
                millis(writeNanos[changes - 1]), failed, millis(BenchSupport.percentile(syncNanos, 50)));
    }

    private static Intent intent(int change, long index) {
        String address = change % 2 == 0 ? "127.0.0.2" : "127.0.0.1";
        return new Intent("db", Optional.of(new Placement(address, address, Optional.empty(), Optional.empty())),
                Optional.empty(), new Fence(1, index), "bench", System.currentTimeMillis(), Role.LEADER, false);
    }


    private static double millis(long nanos) {
        return nanos / 1e6;
    }


}
