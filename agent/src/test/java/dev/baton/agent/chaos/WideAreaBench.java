package dev.baton.agent.chaos;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Leaderless time and elections per round-trip step, with three real agents behind {@link TcpDelayRelay}
 * ({@link ChaosCluster}), default timings. For each build given ({@code label=classpath}; default: this one),
 * a fresh cluster; for each step, one-way {@code rtt/2 ± rtt/8} with 5 % loss as stalls of 200 ms + RTT,
 * {@link #SETTLE_MILLIS} to settle, then {@link #MEASURE_MILLIS} measured: every node's status sampled about
 * every 250 ms (leaderless when no node leads), the term rise, and the client's SERVFAIL share.
 *
 * <p>Run (as root): {@code java -cp agent/target/baton.jar:agent/target/test-classes
 * dev.baton.agent.chaos.WideAreaBench [label=classpath ...]}
 */
public final class WideAreaBench {
    static final long SETTLE_MILLIS = 5_000;
    static final long MEASURE_MILLIS = 30_000;
    static final long[] RTTS = {50, 100, 200, 250, 400};

    private WideAreaBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String[]> builds = new ArrayList<>();
        for (String a : args) builds.add(a.split("=", 2));
        if (builds.isEmpty()) builds.add(new String[] {"this build", System.getProperty("java.class.path")});
        List<String> rows = new ArrayList<>();
        for (String[] build : builds) {
            Path dir = Files.createTempDirectory("baton-wan-bench");
            try (ChaosCluster cluster = ChaosCluster.start(dir, build[1])) {
                waitForLeader(cluster);
                for (long rtt : RTTS) {
                    cluster.delay(rtt / 2, rtt / 8, 5, 200 + rtt);
                    Thread.sleep(SETTLE_MILLIS); // real processes under a real delay: let it take hold
                    ChaosCluster.Poll poll = cluster.poll(50);
                    long termBefore = cluster.maxOf("term");
                    long start = System.currentTimeMillis();
                    long leaderless = 0;
                    long last = start;
                    while (System.currentTimeMillis() - start < MEASURE_MILLIS) {
                        boolean led = anyLeads(cluster);
                        long now = System.currentTimeMillis();
                        if (!led) leaderless += now - last;
                        last = now;
                        Thread.sleep(150);
                    }
                    List<Answer> answers = poll.stop();
                    String row = "| %s | %d ms | %.1f s | %d | %.1f %% |".formatted(build[0], rtt, leaderless / 1000.0,
                            cluster.maxOf("term") - termBefore,
                            100 * AnswerChecker.servfailShare(answers, start, start + MEASURE_MILLIS));
                    System.out.println(row);
                    rows.add(row);
                }
                cluster.delay(0, 0, 0, 0);
            }
        }
        System.out.printf("%nthree agents, default timings, one-way rtt/2 ± rtt/8, 5 %% loss as stalls of 200 ms + RTT,"
                + " %d s measured per step%n", MEASURE_MILLIS / 1000);
        System.out.println("| build | RTT | leaderless | elections (term rise) | SERVFAIL share |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static void waitForLeader(ChaosCluster cluster) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!anyLeads(cluster)) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("no leader within 60 s");
            Thread.sleep(200);
        }
    }

    private static boolean anyLeads(ChaosCluster cluster) throws Exception {
        for (int n = 1; n <= 3; n++) {
            Optional<JsonNode> s = cluster.status(n);
            if (s.isPresent() && s.get().path("leading").asBoolean()) return true;
        }
        return false;
    }
}
