package dev.baton.agent.check;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Load benchmark (not a test): N HTTP checks at a 1 s interval against one local JDK HTTP server, for a bounded
 * time. Prints the check rate achieved and the process CPU time per check, with the server's own share measured
 * separately (it runs in this process too).
 *
 * <p>Run: {@code java -cp <test classpath> dev.baton.agent.check.CheckLoadBench [instances] [seconds] [warm-up seconds]}
 * (defaults 5000, 10 and 5, capped at 20000, 60 and 60).
 */
public final class CheckLoadBench {
    private CheckLoadBench() {}

    public static void main(String[] args) throws Exception {
        // The JDK HTTP client hands every async response to CompletableFuture's default executor, which with a
        // common pool of parallelism 1 (any machine with 2 cores or fewer) is a new thread per response.
        System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
        int instances = Math.min(20_000, args.length > 0 ? Integer.parseInt(args[0]) : 5000);
        int seconds = Math.min(60, args.length > 1 ? Integer.parseInt(args[1]) : 10);
        int warmUpSeconds = Math.min(60, args.length > 2 ? Integer.parseInt(args[2]) : 5);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        LoopbackHttpServer server = new LoopbackHttpServer("bench-server");
        URI url = URI.create("http://127.0.0.1:" + server.port() + "/health");
        CheckSpec.Timing timing = new CheckSpec.Timing(Duration.ofSeconds(1), Duration.ofMillis(800), 2, 2,
                Duration.ofMillis(50));
        CheckSpec.Http spec = new CheckSpec.Http(url, 200, 299, Optional.of("ok"), false, timing);

        AtomicLong changes = new AtomicLong();
        try (CheckRunner runner = new CheckRunner((s, i, state, r) -> changes.incrementAndGet())) {
            for (int i = 0; i < instances; i++) runner.add("bench", "i" + i, spec);
            Thread.sleep(warmUpSeconds * 1000L); // every instance has started and the JIT has mostly settled

            long runs0 = totalRuns(runner);
            long skipped0 = runner.skippedRuns();
            long connections0 = server.connections.get();
            long changes0 = changes.get();
            long cpu0 = os.getProcessCpuTime();
            long serverCpu0 = serverCpu(threads);
            Map<String, Long> poolCpu0 = cpuByPool(threads);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long elapsed = System.nanoTime() - t0;
            long runs = totalRuns(runner) - runs0;
            long skipped = runner.skippedRuns() - skipped0;
            long connections = server.connections.get() - connections0;
            long changesInWindow = changes.get() - changes0;
            long cpu = os.getProcessCpuTime() - cpu0;
            long serverCpu = serverCpu(threads) - serverCpu0;
            Map<String, Long> poolCpu = cpuByPool(threads);
            poolCpu.replaceAll((pool, nanos) -> nanos - poolCpu0.getOrDefault(pool, 0L));

            Map<InstanceHealth, Long> states = runner.snapshot().values().stream()
                    .collect(Collectors.groupingBy(InstanceStatus::health, Collectors.counting()));
            long failed = runner.snapshot().values().stream()
                    .filter(s -> s.lastResult().map(r -> !r.healthy()).orElse(false)).count();
            System.out.printf("instances=%d interval=1s window=%.1fs cores=%d%n", instances, elapsed / 1e9,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("checks/s=%.0f (target %d)%n", runs / (elapsed / 1e9), instances);
            System.out.printf("process CPU per check=%.1f us (server share %.1f us, checker %.1f us)%n",
                    cpu / 1e3 / runs, serverCpu / 1e3 / runs, (cpu - serverCpu) / 1e3 / runs);
            System.out.printf("process CPU use=%.2f cores%n", (double) cpu / elapsed);
            System.out.printf("in window: skipped=%d newConnections=%d stateChanges=%d%n", skipped, connections,
                    changesInWindow);
            System.out.printf("at end: states=%s lastFailed=%d liveThreads=%d%n", states, failed,
                    threads.getThreadCount());
            long javaThreads = poolCpu.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder perPool = new StringBuilder();
            poolCpu.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> perPool.append(String.format(" %s=%.1f", e.getKey(), e.getValue() / 1e3 / runs)));
            System.out.printf("CPU per check by thread pool (us):%s; JVM-internal (JIT, GC)=%.1f%n", perPool,
                    (cpu - javaThreads) / 1e3 / runs);
            System.out.println("threads by pool: " + Thread.getAllStackTraces().keySet().stream()
                    .collect(Collectors.groupingBy(t -> t.getName().replaceAll("-?[0-9]+$", ""), Collectors.counting())));
        } finally {
            server.close();
        }
    }

    private static long totalRuns(CheckRunner runner) {
        return runner.snapshot().values().stream().mapToLong(InstanceStatus::runs).sum();
    }

    private static Map<String, Long> cpuByPool(ThreadMXBean threads) {
        Map<String, Long> result = new java.util.TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) continue;
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) result.merge(info.getThreadName().replaceAll("-?[0-9]+$", ""), nanos, Long::sum);
        }
        return result;
    }

    /** CPU time of the HTTP server's threads (its single selector thread). */
    private static long serverCpu(ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) continue;
            String name = info.getThreadName();
            if (name.startsWith("bench-server")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }
}
