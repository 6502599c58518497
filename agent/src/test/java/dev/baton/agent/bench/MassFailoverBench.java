package dev.baton.agent.bench;

import dev.baton.agent.demo.DemoNode;
import dev.baton.agent.e2e.AgentCluster;
import dev.baton.agent.e2e.MassFailover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A mass failure, end to end: three real agent processes (node 3 a witness), N services each with instances a
 * (127.0.0.1) and b (127.0.0.2) checked over HTTP every 1 s with fall 2 (so 2N checks/s per node), then the
 * host of every primary dies at once (a's web server stops). Prints, per node: startup to serving every
 * service, idle CPU (share of one core over 20 s before the kill) and RSS, the first / median / last service
 * answered b after the kill, the SERVFAILs seen meanwhile, and the log entries that carried the failover; and
 * the startup CPU time and the median / p99 time of {@code /v1/status} requests (one service, the summary, a page,
 * everything; {@link StatusLatency}).
 *
 * <p>Run: {@code java -cp agent/target/baton.jar:agent/target/test-classes dev.baton.agent.bench.MassFailoverBench
 * [services]} (default 200). The agents run with the launcher's JVM settings ({@link DemoNode}). Not a test: it
 * prints a table.
 */
public final class MassFailoverBench {
    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("baton-mass-bench");
        System.out.printf("Mass failover bench: %d services, 1 s HTTP checks, fall 2; logs in %s%nmachine: %s%n",
                services, dir, BenchSupport.machine());
        try (AgentCluster cluster = AgentCluster.write(dir, (node, port, d) -> MassFailover.servicesYaml(services, port, "1s", 2))) {
            MassFailover mass = new MassFailover(cluster, services);
            cluster.primary().start();
            long start = System.nanoTime();
            cluster.startAll();
            if (!mass.awaitEveryNodeAnswers(AgentCluster.PRIMARY, 300_000)) {
                throw new IllegalStateException("the nodes did not answer a for every service within 300 s");
            }
            long serving = (System.nanoTime() - start) / 1_000_000;
            long[] startupTicks = new long[AgentCluster.SIZE + 1];
            for (DemoNode n : cluster.nodes()) startupTicks[n.id()] = cpuTicks(n.pid());
            System.out.printf("serving every service after %d ms; measuring idle CPU%n", serving);
            System.out.flush();
            long leaderChanges = 0;
            for (DemoNode n : cluster.nodes()) {
                try (var lines = Files.lines(n.logFile())) {
                    leaderChanges = Math.max(leaderChanges, lines.filter(l -> l.contains("Replica - node") && l.contains(" leads (term")).count());
                }
            }
            cluster.backup().start();
            Thread.sleep(15_000); // every node's checks see b up (rise 2 at 1 s), and the start-up work settles
            double[] cpu = new double[AgentCluster.SIZE + 1];
            long[] ticksBefore = new long[AgentCluster.SIZE + 1];
            for (DemoNode n : cluster.nodes()) ticksBefore[n.id()] = cpuTicks(n.pid());
            long idleStart = System.nanoTime();
            Thread.sleep(IDLE_MILLIS);
            double seconds = (System.nanoTime() - idleStart) / 1e9;
            for (DemoNode n : cluster.nodes()) cpu[n.id()] = (cpuTicks(n.pid()) - ticksBefore[n.id()]) / 100.0 / seconds;
            long[] rss = new long[AgentCluster.SIZE + 1];
            for (DemoNode n : cluster.nodes()) rss[n.id()] = rssKib(n.pid());
            List<StatusLatency> status = new java.util.ArrayList<>();
            for (String query : List.of("?service=" + MassFailover.name(services / 2), "?limit=0", "?offset=0&limit=100", "")) {
                status.add(StatusLatency.measure(cluster.node(1).apiPort(), query, query.isEmpty() ? 20 : 100));
            }

            List<MassFailover.NodeResult> results = mass.run(120_000);
            System.out.printf("%nstartup to serving every service: %d ms; leaderships begun during startup: %d%n",
                    serving, leaderChanges);
            System.out.printf("startup CPU (user+sys, s) per node:");
            for (DemoNode n : cluster.nodes()) System.out.printf(" %d: %.1f", n.id(), startupTicks[n.id()] / 100.0);
            System.out.printf("%n%n/v1/status on node 1 (one connection, after %d warm-up requests):%n%s%n",
                    StatusLatency.WARM_UP, StatusLatency.header());
            for (StatusLatency l : status) System.out.println(l.row());
            System.out.println();
            System.out.printf("| node | idle CPU (cores) | RSS (MiB) | first b (ms) | median | last | applied b: median"
                    + " | last | SERVFAIL | answers | failover entries |%n|---|---|---|---|---|---|---|---|---|---|---|%n");
            for (MassFailover.NodeResult r : results) {
                long[] applied = mass.appliedBackupMillis(r.node());
                MassFailover.NodeResult fromLog = new MassFailover.NodeResult(r.node(), applied, 0, 0, List.of());
                System.out.printf("| %d | %.3f | %d | %d | %d | %d%s | %d | %d%s | %d | %d | %d |%n", r.node(), cpu[r.node()],
                        rss[r.node()] / 1024, r.percentile(0), r.percentile(50), r.percentile(100),
                        r.complete() ? "" : " (incomplete)", fromLog.percentile(50), fromLog.percentile(100),
                        fromLog.complete() ? "" : " (incomplete)", r.servfails(), r.queries(),
                        mass.entriesFailingOver(r.node()));
            }
            System.out.println("first/median/last b: as the DNS pollers saw it (each polls every name in turn);"
                    + " applied b: from each node's log, when it began answering b.");
            for (MassFailover.NodeResult r : results) {
                if (!r.firstServfails().isEmpty()) {
                    System.out.printf("node %d's first SERVFAILs (ms after the kill): %s%n", r.node(), r.firstServfails());
                }
            }
            System.out.printf("load at the end: %s%n", BenchSupport.loadAverage());
        }
        System.exit(0);
    }

    /** The window over which idle CPU is measured: long enough to average 2,000 checks/s over a few GCs. */
    private static final long IDLE_MILLIS = 20_000;

    private static long cpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, in clock ticks (100 per second)
    }

    private static long rssKib(long pid) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }
}
