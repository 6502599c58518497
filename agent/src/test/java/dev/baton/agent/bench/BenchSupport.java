package dev.baton.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What every bench prints beside its figures (the machine, its load) and how it summarises them. */
final class BenchSupport {
    private BenchSupport() {
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Nearest-rank percentile of unsorted values; -1 when there are none. */
    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) return -1;
        return percentile(values.stream().mapToLong(Long::longValue).sorted().toArray(), p);
    }

    /** "2 CPUs (AMD EPYC), OpenJDK 64-Bit Server VM 17.0.15, load 1.8 2.2 2.3 ...". */
    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", load " + loadAverage();
    }

    /** Polls {@code condition} every {@code pollMillis} until it holds (true) or {@code limitMillis} pass (false). */
    static boolean waitFor(long limitMillis, long pollMillis, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long end = System.nanoTime() + limitMillis * 1_000_000;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(pollMillis);
        }
        return false;
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
