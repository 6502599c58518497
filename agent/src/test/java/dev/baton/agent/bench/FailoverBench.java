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
 * (127.0.0.1, priority 1) and b (127.0.0.2), HTTP checks every 100 ms with rise and fall 2 ({@code 100ms/2}) or
 * every second with rise and fall 1 ({@code 1s/1}), {@code failback: immediate}. Each trial kills a's web server and
 * measures, from the kill:
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
 * checks see a up, then waits a random time, uniform over one check interval (at least 200 ms), so the kill falls
 * at a uniformly random phase of every node's check schedule.
 *
 * <p>Arms: {@code label=classpath} arguments run one cluster per build side by side (e.g. main's jar and this
 * one), trials alternating between them; without any, one arm runs this process's class path.
 *
 * <p>Run: {@code java -cp agent/target/baton.jar:agent/target/test-classes dev.baton.agent.bench.FailoverBench
 * [trials] [100ms/2|1s/1] [label=classpath]...}.
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

    private final String label;
    private final CheckSetting check;
    private final AgentCluster cluster;
    private final List<Thread> pollers = new ArrayList<>();
    private final List<long[]> results = new ArrayList<>();
    private int failed;
    private boolean stopped;
    private final NodeLogTail logs;
    /** Per node: nanoTime of the first answer b since the current trial's kill, 0 while none. */
    private final AtomicLongArray firstBackup = new AtomicLongArray(AgentCluster.SIZE + 1);
    private volatile long trialStartNanos = Long.MAX_VALUE;
    private volatile boolean polling = true;

    private FailoverBench(String label, CheckSetting check, AgentCluster cluster) {
        this.label = label;
        this.check = check;
        this.cluster = cluster;
        this.logs = new NodeLogTail(cluster);
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        CheckSetting check = CheckSetting.parse(args.length > 1 ? args[1] : "100ms/2");
        Map<String, String> arms = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("an arm is label=classpath, not " + args[i]);
            arms.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        if (arms.isEmpty()) arms.put("this build", System.getProperty("java.class.path"));
        System.out.printf("Failover bench: %d trials per arm, checks every %s, rise/fall %d, %s%nmachine: %s%n", trials,
                check.interval(), check.fall(), arms.keySet(), BenchSupport.machine());
        List<FailoverBench> benches = new ArrayList<>();
        try {
            for (Map.Entry<String, String> arm : arms.entrySet()) {
                Path dir = Files.createTempDirectory("baton-failover-bench");
                FailoverBench bench = new FailoverBench(arm.getKey(), check,
                        AgentCluster.write(dir, (node, port, d) -> services(check, port)));
                benches.add(bench);
                System.out.printf("arm %s: node logs in %s%n", arm.getKey(), dir);
                // DemoNode starts each agent with this process's class path: an arm's agents run its build.
                String own = System.getProperty("java.class.path");
                System.setProperty("java.class.path", arm.getValue());
                try {
                    bench.start();
                } finally {
                    System.setProperty("java.class.path", own);
                }
            }
            for (int trial = 1; trial <= trials; trial++) {
                // Alternate which arm goes first, so neither always runs right after the other's recovery.
                for (int i = 0; i < benches.size(); i++) benches.get((i + trial) % benches.size()).trial(trial);
            }
        } finally {
            for (FailoverBench b : benches) b.stop();
        }
        System.out.printf("%nchecks every %s, rise/fall %d%n", check.interval(), check.fall());
        for (FailoverBench b : benches) System.out.printf("arm %s: %d trials measured, %d failed%n", b.label, b.results.size(), b.failed);
        System.out.println();
        System.out.println("| arm | stage (ms after the kill) | p50 | p99 | min | max |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (FailoverBench b : benches) b.printTable();
        System.out.printf("load at the end: %s%n", BenchSupport.loadAverage());
        System.exit(0);
    }

    /** The service's check: how often, and how many results in a row flip it (rise and fall alike). */
    record CheckSetting(String interval, long intervalMillis, long timeoutMillis, int fall) {
        /** {@code 100ms/2} or {@code 1s/1}: the interval, then rise and fall. */
        static CheckSetting parse(String text) {
            return switch (text) {
                case "100ms/2" -> new CheckSetting("100ms", 100, 80, 2);
                case "1s/1" -> new CheckSetting("1s", 1000, 500, 1);
                default -> throw new IllegalArgumentException("check setting is 100ms/2 or 1s/1, not " + text);
            };
        }
    }

    private static String services(CheckSetting check, int port) {
        return """
                services:
                  - name: web
                    policy: failover
                    failback: immediate
                    vantage: quorum
                    check: {http: "http://{address}:%d/health", interval: %s, timeout: %dms, rise: %d, fall: %d}
                    instances:
                      - {name: a, address: 127.0.0.1, priority: 1}
                      - {name: b, address: 127.0.0.2, priority: 2}
                """.formatted(port, check.interval(), check.timeoutMillis(), check.fall(), check.fall());
    }

    private void start() throws Exception {
        cluster.primary().start();
        cluster.startAll();
        if (!waitFor(120_000, () -> everyNodeAnswers(AgentCluster.PRIMARY))) {
            throw new IllegalStateException("the cluster did not answer a within 120 s; see " + cluster.dir());
        }
        cluster.backup().start();
        for (int id = 1; id <= AgentCluster.SIZE; id++) pollers.add(poller(id));
        pollers.forEach(Thread::start);
    }

    private void stop() throws InterruptedException {
        polling = false;
        for (Thread t : pollers) t.join(2_000);
        cluster.close();
    }

    /** One trial: once the cluster is back on a, wait a uniformly random phase of the check interval, kill a. */
    private void trial(int trial) throws Exception {
        if (stopped) return;
        if (!waitFor(RECOVERY_LIMIT_MILLIS, this::readyForTrial)) {
            System.out.printf("%s trial %2d: the cluster did not return to a within %d s; this arm stops%n", label, trial,
                    RECOVERY_LIMIT_MILLIS / 1000);
            stopped = true;
            return;
        }
        logs.readNewLines(); // skip what was logged before this trial
        Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(200, check.intervalMillis())));
        long[] r = measure();
        if (r == null) {
            failed++;
            System.out.printf("%s trial %2d: not every node answered b within %d s%n", label, trial, TRIAL_LIMIT_MILLIS / 1000);
        } else {
            results.add(r);
            System.out.printf("%s trial %2d: %s%n", label, trial, describe(r));
        }
        cluster.primary().start();
    }

    /** Kills a and measures; null when some node never answered b in time. */
    private long[] measure() throws Exception {
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

    private void printTable() {
        for (int i = 0; i < STAGES.length; i++) {
            int stage = i;
            long[] v = results.stream().mapToLong(r -> r[stage]).filter(x -> x >= 0).sorted().toArray();
            if (v.length == 0) {
                System.out.printf("| %s | %s | - | - | - | - |%n", label, STAGES[i]);
                continue;
            }
            System.out.printf("| %s | %s | %d | %d | %d | %d |%n", label, STAGES[i], BenchSupport.percentile(v, 50), BenchSupport.percentile(v, 99),
                    v[0], v[v.length - 1]);
        }
    }

    private static boolean waitFor(long limitMillis, BooleanSupplier condition) throws InterruptedException {
        return BenchSupport.waitFor(limitMillis, 20, condition);
    }

}
