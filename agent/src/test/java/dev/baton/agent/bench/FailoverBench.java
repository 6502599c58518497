package dev.baton.agent.bench;

import dev.baton.agent.demo.DnsProbe;
import dev.baton.agent.e2e.AgentCluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

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
 * one), trials alternating between them; without any, one arm runs this process's class path. The arm
 * {@code pdns} is the single-checker peer, PowerDNS with a Lua {@code ifurlup} record ({@link PdnsSubject}), polled
 * the same way; it has only the total.
 *
 * <p>Run: {@code java -cp agent/target/baton.jar:agent/target/test-classes dev.baton.agent.bench.FailoverBench
 * [trials] [100ms/2|1s/1] [label=classpath | pdns]...}.
 * Not a test: nothing here asserts, it prints a table.
 */
public final class FailoverBench {
    static final String SERVICE = "web";
    static final long POLL_MILLIS = 5;
    static final long TRIAL_LIMIT_MILLIS = 15_000;
    static final long RECOVERY_LIMIT_MILLIS = 30_000;
    private static final String[] STAGES = {"detection", "decision", "applied on leader", "applied, last node",
            "DNS, last node (total)"};

    private final String label;
    private final CheckSetting check;
    private final FailoverSubject subject;
    private final List<Thread> pollers = new ArrayList<>();
    private final List<long[]> results = new ArrayList<>();
    private int failed;
    private boolean stopped;
    /** Per DNS server (1-based): nanoTime of the first answer b since the current trial's kill, 0 while none. */
    private final AtomicLongArray firstBackup;
    private volatile long trialStartNanos = Long.MAX_VALUE;
    private volatile boolean polling = true;

    private FailoverBench(String label, CheckSetting check, FailoverSubject subject) {
        this.label = label;
        this.check = check;
        this.subject = subject;
        this.firstBackup = new AtomicLongArray(subject.servers() + 1);
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        CheckSetting check = CheckSetting.parse(args.length > 1 ? args[1] : "100ms/2");
        List<String> arms = new ArrayList<>(List.of(args).subList(Math.min(2, args.length), args.length));
        if (arms.isEmpty()) arms.add("this build=" + System.getProperty("java.class.path"));
        System.out.printf("Failover bench: %d trials per arm, checks every %s, rise/fall %d%nmachine: %s%n", trials,
                check.interval(), check.fall(), BenchSupport.machine());
        List<FailoverBench> benches = new ArrayList<>();
        try {
            for (String arm : arms) {
                FailoverBench bench = arm(arm, check);
                benches.add(bench);
                System.out.printf("arm %s: %s%n", bench.label, bench.subject);
                bench.start();
            }
            for (int trial = 1; trial <= trials; trial++) {
                // Alternate which arm goes first, so none always runs right after another's recovery.
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

    /** {@code label=classpath}: Baton agents of that build; {@code pdns}: PowerDNS with ifurlup. */
    private static FailoverBench arm(String arm, CheckSetting check) throws Exception {
        if (arm.equals("pdns")) return new FailoverBench("pdns", check, new PdnsSubject(check));
        int eq = arm.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("an arm is label=classpath or pdns, not " + arm);
        return new FailoverBench(arm.substring(0, eq), check, new AgentSubject(arm.substring(eq + 1), check));
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

    private void start() throws Exception {
        subject.start();
        for (int id = 1; id <= subject.servers(); id++) pollers.add(poller(id));
        pollers.forEach(Thread::start);
    }

    private void stop() throws InterruptedException {
        polling = false;
        for (Thread t : pollers) t.join(2_000);
        subject.close();
    }

    /** One trial: once back on a, wait a uniformly random phase of the check interval, kill a, measure. */
    private void trial(int trial) throws Exception {
        if (stopped) return;
        if (!waitFor(RECOVERY_LIMIT_MILLIS, subject::readyForTrial)) {
            System.out.printf("%s trial %2d: did not return to a within %d s; this arm stops%n", label, trial,
                    RECOVERY_LIMIT_MILLIS / 1000);
            stopped = true;
            return;
        }
        Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(200, check.intervalMillis())));
        subject.beforeKill();
        long[] r = measure();
        if (r == null) {
            failed++;
            System.out.printf("%s trial %2d: not every DNS server answered b within %d s%n", label, trial,
                    TRIAL_LIMIT_MILLIS / 1000);
        } else {
            results.add(r);
            System.out.printf("%s trial %2d: %s%n", label, trial, describe(r));
        }
        subject.primary().start();
    }

    /** Kills a and measures; null when some DNS server never answered b in time. */
    private long[] measure() throws Exception {
        for (int id = 1; id <= subject.servers(); id++) firstBackup.set(id, 0);
        long killWall = System.currentTimeMillis();
        long killNanos = System.nanoTime();
        trialStartNanos = killNanos;
        subject.primary().stop();
        boolean swapped = waitFor(TRIAL_LIMIT_MILLIS, () -> {
            for (int id = 1; id <= subject.servers(); id++) if (firstBackup.get(id) == 0) return false;
            return true;
        });
        trialStartNanos = Long.MAX_VALUE;
        if (!swapped) return null;
        long dnsLast = 0;
        for (int id = 1; id <= subject.servers(); id++) dnsLast = Math.max(dnsLast, firstBackup.get(id) - killNanos);
        long[] inner = subject.innerStages(killWall);
        long[] r = Arrays.copyOf(inner, STAGES.length);
        r[STAGES.length - 1] = dnsLast / 1_000_000;
        return r;
    }

    private Thread poller(int id) {
        Thread t = new Thread(() -> {
            DnsProbe probe = subject.probe(id);
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
