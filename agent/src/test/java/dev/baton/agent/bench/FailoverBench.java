package dev.baton.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.demo.DnsProbe;
import dev.baton.agent.e2e.AgentCluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Failover latency, end to end: three real agent processes (node 3 a witness), a service with instances a
 * (127.0.0.1, priority 1) and b (127.0.0.2), HTTP checks every 100 ms with fall 2, {@code failback: immediate}.
 * Each trial kills a's web server and measures, from the kill:
 * <ol>
 *   <li><b>detection</b>: the first node whose own check marks a DOWN ({@code CheckRunner} log line);</li>
 *   <li><b>decision</b>: the leader decides web -> b ({@code DecisionMaker} "deciding" line);</li>
 *   <li><b>applied on leader</b>: the decision committed and applied on the leader ({@code Replica} "decision N"
 *   line; the answer table is swapped just before it is logged);</li>
 *   <li><b>applied, last node</b>: the same line in the last node's log;</li>
 *   <li><b>DNS, last node</b> (the total): the last node whose DNS server answered b, observed by one polling
 *   thread per node asking its DNS server every {@link #POLL_MILLIS} ms.</li>
 * </ol>
 * Log lines carry the agent's wall-clock time in milliseconds (logback, same machine clock as this process);
 * the kill instant is taken just before a's server is stopped, so every figure includes the stop itself.
 * Between trials a is restarted and the bench waits (bounded) until every node answers a again and every node's
 * checks see a up, then waits a random 0–200 ms so kills do not line up with the checks' phase.
 *
 * <p>Run: {@code java -cp agent/target/baton.jar:agent/target/test-classes dev.baton.agent.bench.FailoverBench [trials]}.
 * Not a test: nothing here asserts, it prints a table.
 */
public final class FailoverBench {
    static final String SERVICE = "web";
    static final long POLL_MILLIS = 5;
    static final long TRIAL_LIMIT_MILLIS = 15_000;
    static final long RECOVERY_LIMIT_MILLIS = 30_000;
    private static final Pattern DOWN = Pattern.compile("CheckRunner - web/a is now DOWN");
    private static final Pattern DECIDING = Pattern.compile("DecisionMaker - deciding web -> b ");
    private static final Pattern APPLIED = Pattern.compile("Replica - decision \\d+ \\(term \\d+\\): web -> b \\[");
    private static final String[] STAGES = {"detection", "decision", "applied on leader", "applied, last node",
            "DNS, last node (total)"};

    private final AgentCluster cluster;
    private final NodeLogTail logs;
    /** Per node: nanoTime of the first answer b since the current trial's kill, 0 while none. */
    private final AtomicLongArray firstBackup = new AtomicLongArray(AgentCluster.SIZE + 1);
    private volatile long trialStartNanos = Long.MAX_VALUE;
    private volatile boolean polling = true;

    private FailoverBench(AgentCluster cluster) {
        this.cluster = cluster;
        this.logs = new NodeLogTail(cluster);
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = Files.createTempDirectory("baton-failover-bench");
        try (AgentCluster cluster = AgentCluster.write(dir, FailoverBench::services)) {
            System.out.printf("Failover bench: %d trials; node logs in %s%nmachine: %d CPUs (%s), %s, load %s%n",
                    trials, dir, Runtime.getRuntime().availableProcessors(), BenchSupport.cpuModel(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), BenchSupport.loadAverage());
            new FailoverBench(cluster).run(trials);
            System.out.printf("load at the end: %s%n", BenchSupport.loadAverage());
        }
        System.exit(0);
    }

    private static String services(int node, int port, Path dir) {
        return """
                services:
                  - name: web
                    policy: failover
                    failback: immediate
                    vantage: quorum
                    check: {http: "http://{address}:%d/health", interval: 100ms, timeout: 80ms, rise: 2, fall: 2}
                    instances:
                      - {name: a, address: 127.0.0.1, priority: 1}
                      - {name: b, address: 127.0.0.2, priority: 2}
                """.formatted(port);
    }

    private void run(int trials) throws Exception {
        cluster.primary().start();
        cluster.startAll();
        if (!waitFor(120_000, () -> everyNodeAnswers(AgentCluster.PRIMARY))) {
            throw new IllegalStateException("the cluster did not answer a within 120 s; see " + cluster.dir());
        }
        cluster.backup().start();
        List<Thread> pollers = new ArrayList<>();
        for (int id = 1; id <= AgentCluster.SIZE; id++) pollers.add(poller(id));
        pollers.forEach(Thread::start);

        List<long[]> results = new ArrayList<>();
        int failed = 0;
        try {
            for (int trial = 1; trial <= trials; trial++) {
                if (!waitFor(RECOVERY_LIMIT_MILLIS, this::readyForTrial)) {
                    System.out.printf("trial %2d: the cluster did not return to a within %d s; stopping%n", trial,
                            RECOVERY_LIMIT_MILLIS / 1000);
                    failed += trials - trial + 1;
                    break;
                }
                logs.readNewLines(); // skip what was logged before this trial
                Thread.sleep(ThreadLocalRandom.current().nextLong(200));
                long[] r = trial();
                if (r == null) {
                    failed++;
                    System.out.printf("trial %2d: not every node answered b within %d s%n", trial, TRIAL_LIMIT_MILLIS / 1000);
                } else {
                    results.add(r);
                    System.out.printf("trial %2d: %s%n", trial, describe(r));
                }
                cluster.primary().start();
            }
        } finally {
            polling = false;
            for (Thread t : pollers) t.join(2_000);
        }
        printTable(results, failed);
    }

    /** Kills a and measures; null when some node never answered b in time. */
    private long[] trial() throws Exception {
        for (int id = 1; id <= AgentCluster.SIZE; id++) firstBackup.set(id, 0);
        long killWall = System.currentTimeMillis();
        long killNanos = System.nanoTime();
        trialStartNanos = killNanos;
        cluster.primary().stop();
        boolean swapped = waitFor(TRIAL_LIMIT_MILLIS, () -> {
            for (int id = 1; id <= AgentCluster.SIZE; id++) if (firstBackup.get(id) == 0) return false;
            return true;
        });
        trialStartNanos = Long.MAX_VALUE;
        if (!swapped) return null;
        Thread.sleep(300); // the followers' log lines may trail their DNS swap by a little
        Map<Integer, List<String>> lines = logs.readNewLines();
        long detection = Long.MAX_VALUE;
        long decision = -1;
        int leader = 0;
        long[] applied = new long[AgentCluster.SIZE + 1];
        for (Map.Entry<Integer, List<String>> e : lines.entrySet()) {
            for (String line : e.getValue()) {
                OptionalLong at = NodeLogTail.timestamp(line);
                if (at.isEmpty() || at.getAsLong() < killWall) continue;
                long ms = at.getAsLong() - killWall;
                if (DOWN.matcher(line).find()) detection = Math.min(detection, ms);
                if (DECIDING.matcher(line).find() && decision < 0) {
                    decision = ms;
                    leader = e.getKey();
                }
                if (APPLIED.matcher(line).find() && applied[e.getKey()] == 0) applied[e.getKey()] = Math.max(ms, 1);
            }
        }
        long dnsLast = 0;
        for (int id = 1; id <= AgentCluster.SIZE; id++) dnsLast = Math.max(dnsLast, firstBackup.get(id) - killNanos);
        long appliedLast = Arrays.stream(applied).max().orElse(0);
        return new long[]{detection == Long.MAX_VALUE ? -1 : detection, decision,
                leader == 0 ? -1 : applied[leader], appliedLast == 0 ? -1 : appliedLast, dnsLast / 1_000_000};
    }

    /** Every node answers a, and every node's checks see both a and b up. */
    private boolean readyForTrial() {
        if (!everyNodeAnswers(AgentCluster.PRIMARY)) return false;
        for (int id = 1; id <= AgentCluster.SIZE; id++) {
            JsonNode svc = cluster.service(id, SERVICE).orElse(null);
            if (svc == null) return false;
            JsonNode checks = svc.path("local_checks");
            if (!"up".equals(checks.path("a").asText()) || !"up".equals(checks.path("b").asText())) return false;
        }
        return true;
    }

    private boolean everyNodeAnswers(String address) {
        for (int id = 1; id <= AgentCluster.SIZE; id++) {
            if (!address.equals(cluster.answer(id, SERVICE))) return false;
        }
        return true;
    }

    private Thread poller(int id) {
        Thread t = new Thread(() -> {
            DnsProbe probe = cluster.probe(id, SERVICE);
            while (polling) {
                long start = trialStartNanos;
                long sent = System.nanoTime();
                String answer = probe.ask();
                // Only an answer to a query sent after the kill counts; it is stamped when it arrived.
                if (sent >= start && AgentCluster.BACKUP.equals(answer)) firstBackup.compareAndSet(id, 0, System.nanoTime());
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-dns-poll-" + id);
        t.setDaemon(true);
        return t;
    }

    private static String describe(long[] r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < STAGES.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(STAGES[i]).append(' ').append(r[i] < 0 ? "?" : r[i] + " ms");
        }
        return sb.toString();
    }

    private static void printTable(List<long[]> results, int failed) {
        System.out.printf("%n%d trials measured, %d failed%n%n", results.size(), failed);
        System.out.println("| stage (ms after the kill) | p50 | p99 | min | max |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (int i = 0; i < STAGES.length; i++) {
            int stage = i;
            long[] v = results.stream().mapToLong(r -> r[stage]).filter(x -> x >= 0).sorted().toArray();
            if (v.length == 0) {
                System.out.printf("| %s | - | - | - | - |%n", STAGES[i]);
                continue;
            }
            System.out.printf("| %s | %d | %d | %d | %d |%n", STAGES[i], BenchSupport.percentile(v, 50), BenchSupport.percentile(v, 99),
                    v[0], v[v.length - 1]);
        }
    }


    private static boolean waitFor(long limitMillis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limitMillis * 1_000_000;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return false;
    }


}
