package dev.baton.election.tools;

import dev.baton.election.process.OutputLine;
import dev.baton.election.process.ProcessCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Benchmark of real {@link ClusterNodeMain} processes on loopback, default timings; prints markdown tables.
 * Not a test: run it by hand (see docs/BENCHMARKS.md).
 *
 * <ol>
 * <li>Failover: 3 nodes, kill -9 the leader; time from the parent's {@code nanoTime} just before SIGKILL to the
 *     parent reading the new leader's GAINED line. An overlap is a GAINED of a new term read, or stamped by its
 *     process, before the kill. Between trials the killed node restarts and the cluster waits (bounded) until
 *     node 1 leads again, after the hold-down. Then half as many trials with SIGTERM (graceful close: the
 *     leader resigns and releases its followers) instead of kill -9.</li>
 * <li>Commit latency and throughput of 1 KiB appends on the leader, via the node's {@code bench} command.</li>
 * </ol>
 *
 * <p>Arguments (all optional): {@code [trials=20] [appends=2000]}.
 */
public final class ElectionBench {
    private static final Duration STEADY_WAIT = Duration.ofSeconds(60);
    private static final Duration FAILOVER_WAIT = Duration.ofSeconds(20);
    private static final Duration BENCH_WAIT = Duration.ofSeconds(300);
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");

    private ElectionBench() {
    }

    public static void main(String[] args) throws IOException {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int appends = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path root = Files.createTempDirectory("election-bench");
        try {
            failover(root.resolve("failover"), trials, false);
            failover(root.resolve("graceful"), Math.max(1, trials / 2), true);
            commits(root.resolve("commits"), appends);
        } finally {
            deleteRecursively(root);
        }
    }

    /** {@code graceful}: SIGTERM (the node resigns and releases its followers) instead of kill -9. */
    private static void failover(Path dir, int trials, boolean graceful) {
        List<Long> millis = new ArrayList<>();
        int overlaps = 0;
        List<String> winners = new ArrayList<>();
        try (ProcessCluster c = new ProcessCluster(3, dir, Set.of(), JVM, List.of())) {
            c.startAll();
            long term = c.await(1, l -> l.isEvent("GAINED"), STEADY_WAIT).eventLong(0);
            for (int trial = 0; trial < trials; trial++) {
                long leaderTerm = term;
                for (int id : List.of(2, 3)) { // steady: both followers heard node 1 lead this term
                    c.await(id, l -> l.isEvent("LEADER") && l.eventArg(0).equals("1") && l.eventLong(1) == leaderTerm,
                            STEADY_WAIT);
                }
                int from = c.globalMark();
                long killedAt = System.nanoTime();
                if (graceful) c.terminate(1);
                else c.kill(1);
                OutputLine gained = c.awaitAny(from, l -> l.nodeId() != 1 && l.isEvent("GAINED")
                        && l.eventLong(0) > leaderTerm, FAILOVER_WAIT);
                if (gained.receivedNanos() < killedAt || gained.eventNanos() < killedAt) overlaps++;
                millis.add((gained.receivedNanos() - killedAt) / 1_000_000);
                winners.add("node " + gained.nodeId());
                long newTerm = gained.eventLong(0);
                System.err.printf("%s trial %d: node %d gained term %d (node 1 led %d) after %d ms%n",
                        graceful ? "SIGTERM" : "kill", trial, gained.nodeId(), newTerm, leaderTerm,
                        millis.get(millis.size() - 1));

                c.start(1); // back to steady state: node 1 leads again after the hold-down (a hand-over)
                term = c.await(1, l -> l.isEvent("GAINED") && l.eventLong(0) > newTerm, STEADY_WAIT).eventLong(0);
            }
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.println();
        String how = graceful ? "SIGTERM" : "kill -9";
        System.out.println("Leader failover, 3 processes, default timings, " + how + " of the leader (" + trials
                + " trials; new leaders: " + summarize(winners) + ")");
        System.out.println();
        System.out.println("| " + how + " → GAINED read by parent | p50 | p99 | max | overlaps |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf("| ms | %d | %d | %d | %d |%n", percentile(sorted, 50), percentile(sorted, 99),
                sorted.get(sorted.size() - 1), overlaps);
    }

    private static void commits(Path dir, int appends) {
        List<String> rows = new ArrayList<>();
        try (ProcessCluster c = new ProcessCluster(3, dir, Set.of(), JVM, List.of("--max-print-bytes", "32"))) {
            c.startAll();
            c.await(1, l -> l.isEvent("GAINED"), STEADY_WAIT);
            runBench(c, Math.max(100, appends / 2), 16); // warm-up (JIT), not reported
            for (int concurrency : new int[] {1, 64}) {
                String[] w = runBench(c, appends, concurrency).words();
                rows.add(String.format("| %d | %d | %s | %s | %s |", concurrency, appends, w[1].substring(4),
                        w[2].substring(4), w[3].substring(11)));
            }
        }
        System.out.println();
        System.out.println("Commit of 1 KiB appends on the leader, 3 processes (a majority fsyncs each entry)");
        System.out.println();
        System.out.println("| concurrency | appends | p50 µs | p99 µs | throughput ops/s |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static OutputLine runBench(ProcessCluster c, int count, int concurrency) {
        int from = c.mark(1);
        c.send(1, "bench " + count + " 1024 " + concurrency);
        OutputLine result = c.awaitFrom(1, from, l -> l.startsWith("BENCH ") || l.startsWith("ERROR "), BENCH_WAIT);
        if (!result.startsWith("BENCH ")) throw new IllegalStateException(result.text());
        return result;
    }

    private static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String summarize(List<String> winners) {
        return winners.stream().distinct().sorted()
                .map(w -> w + " ×" + winners.stream().filter(w::equals).count())
                .reduce((a, b) -> a + ", " + b).orElse("none");
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
