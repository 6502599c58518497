package dev.baton.election.sim;

import dev.baton.election.Timings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long soak of the simulator, not a test: {@code SimulationSoak <seedsPerScenario> [firstSeed] [threads]}
 * runs every scenario over the seeds and prints a summary table (schedules, violations with their replay
 * seeds, recovery times after healing).
 */
public final class SimulationSoak {
    public static void main(String[] args) throws Exception {
        int perScenario = Integer.parseInt(args[0]);
        long first = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        System.out.println("| scenario | schedules | violations | leader after heal p50 / p99 / max (ms) | lowest id leads after heal p99 / max (ms) | leaderships per schedule (mean) |");
        System.out.println("|---|---|---|---|---|---|");
        long total = 0;
        long violationsTotal = 0;
        for (Scenario scenario : Scenario.values()) {
            List<Future<Scenario.Result>> results = new ArrayList<>();
            List<String> violations = Collections.synchronizedList(new ArrayList<>());
            AtomicLong done = new AtomicLong();
            for (long seed = first; seed < first + perScenario; seed++) {
                long s = seed;
                results.add(pool.submit(() -> {
                    try {
                        return scenario.runMeasured(s, Timings.DEFAULTS);
                    } catch (SimulationViolation v) {
                        violations.add("seed " + s + ": " + v.getMessage().lines().findFirst().orElse(""));
                        return null;
                    } finally {
                        done.incrementAndGet();
                    }
                }));
            }
            List<Long> leader = new ArrayList<>();
            List<Long> lowest = new ArrayList<>();
            long leaderships = 0;
            for (Future<Scenario.Result> f : results) {
                Scenario.Result r = f.get();
                if (r == null) continue;
                leader.add(r.leaderAfterHealNanos());
                lowest.add(r.lowestLeadsAfterHealNanos());
                leaderships += r.leaderships();
            }
            Collections.sort(leader);
            Collections.sort(lowest);
            total += perScenario;
            violationsTotal += violations.size();
            System.out.printf("| %s | %d | %d | %d / %d / %d | %d / %d | %.1f |%n", scenario, perScenario,
                    violations.size(), ms(pct(leader, 50)), ms(pct(leader, 99)), ms(pct(leader, 100)),
                    ms(pct(lowest, 99)), ms(pct(lowest, 100)), leader.isEmpty() ? 0.0 : (double) leaderships / leader.size());
            for (String v : violations.subList(0, Math.min(10, violations.size()))) System.out.println("  VIOLATION " + scenario + " " + v);
        }
        pool.shutdown();
        System.out.printf("%n%d schedules, %d violations, %.0f s on %d thread(s)%n", total, violationsTotal,
                (System.nanoTime() - started) / 1e9, threads);
    }

    private static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
