package dev.baton.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.demo.DemoBackend;
import dev.baton.agent.demo.DnsProbe;
import dev.baton.agent.e2e.AgentCluster;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Three Baton agents of one build (its class path), the inner stages read from their logs. */
final class AgentSubject implements FailoverSubject {
    private static final Pattern DOWN = Pattern.compile("CheckRunner - web/a is now DOWN");
    private static final Pattern DECIDING = Pattern.compile("DecisionMaker - deciding web -> b ");
    private static final Pattern APPLIED = Pattern.compile("Replica - decision \\d+ \\(term \\d+\\): web -> b \\[");

    private final String classPath;
    private final AgentCluster cluster;
    private final NodeLogTail logs;

    AgentSubject(String classPath, FailoverBench.CheckSetting check) throws Exception {
        this.classPath = classPath;
        this.cluster = AgentCluster.write(Files.createTempDirectory("baton-failover-bench"),
                (node, port, dir) -> services(check, port));
        this.logs = new NodeLogTail(cluster);
    }

    private static String services(FailoverBench.CheckSetting check, int port) {
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

    @Override
    public String toString() {
        return "three agents, logs in " + cluster.dir();
    }

    @Override
    public void start() throws Exception {
        cluster.primary().start();
        // DemoNode starts each agent with this process's class path: swap in this build's for the start.
        String own = System.getProperty("java.class.path");
        System.setProperty("java.class.path", classPath);
        try {
            cluster.startAll();
        } finally {
            System.setProperty("java.class.path", own);
        }
        if (!BenchSupport.waitFor(120_000, 20, () -> everyNodeAnswers(AgentCluster.PRIMARY))) {
            throw new IllegalStateException("the cluster did not answer a within 120 s; see " + cluster.dir());
        }
        cluster.backup().start();
    }

    @Override
    public DemoBackend primary() {
        return cluster.primary();
    }

    @Override
    public int servers() {
        return AgentCluster.SIZE;
    }

    @Override
    public DnsProbe probe(int server) {
        return cluster.probe(server, FailoverBench.SERVICE);
    }

    /** Every node answers a, and every node's checks see both a and b up. */
    @Override
    public boolean readyForTrial() {
        if (!everyNodeAnswers(AgentCluster.PRIMARY)) return false;
        for (int id = 1; id <= AgentCluster.SIZE; id++) {
            JsonNode svc = cluster.service(id, FailoverBench.SERVICE).orElse(null);
            if (svc == null) return false;
            JsonNode checks = svc.path("local_checks");
            if (!"up".equals(checks.path("a").asText()) || !"up".equals(checks.path("b").asText())) return false;
        }
        return true;
    }

    private boolean everyNodeAnswers(String address) {
        for (int id = 1; id <= AgentCluster.SIZE; id++) {
            if (!address.equals(cluster.answer(id, FailoverBench.SERVICE))) return false;
        }
        return true;
    }

    @Override
    public void beforeKill() throws Exception {
        logs.readNewLines();
    }

    @Override
    public long[] innerStages(long killWall) throws Exception {
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
        long appliedLast = Arrays.stream(applied).max().orElse(0);
        return new long[]{detection == Long.MAX_VALUE ? -1 : detection, decision,
                leader == 0 ? -1 : applied[leader], appliedLast == 0 ? -1 : appliedLast};
    }

    @Override
    public void close() {
        cluster.close();
    }
}
