package dev.baton.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.e2e.AgentCluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Leader failover at tuned election timings, and whether those timings are stable. Three real agent processes
 * per setting (node 3 a witness; {@link AgentCluster}), each with the setting's {@code cluster.timings}.
 *
 * <ul>
 *   <li>{@code kills <n> <setting>...}: per setting, n times: wait until every node names the same leader and it
 *   leads, wait a random 0–1 s, {@code kill -9} the leader, and time until both survivors agree on a new leader
 *   (the later of the new leader's {@code node X leads} line and the other survivor's {@code leader is node X}
 *   line, from the agents' millisecond log timestamps); then restart the killed node.</li>
 *   <li>{@code soak <seconds> [burn] <setting>...}: every setting's cluster at once, left alone for that long
 *   ({@code burn}: with one busy-loop process per CPU beside them). Counts elections (terms added), leader
 *   changes, the agents' pause warnings, and the JVM's GC pauses, read from {@code -Xlog:gc} files.</li>
 * </ul>
 * Settings: {@code default}, {@code 30/300} and {@code 10/100} (heartbeat / follower timeout in ms; the
 * candidate retry is set to 0.3 × the follower timeout, the defaults' ratio).
 *
 * <p>GC logs: run with {@code JDK_JAVA_OPTIONS=-Xlog:gc:file=<dir>/gc-%p.log} and {@code -Dbench.gcDir=<dir>}; the
 * agents inherit the variable. Not a test: it prints tables.
 */
public final class LeaderFailoverBench {
    private static final String SERVICE = "web";
    private static final Pattern GAINED = Pattern.compile("Replica - node (\\d+) leads \\(term (\\d+)\\)");
    private static final Pattern LEADER_IS = Pattern.compile("Replica - leader is node (\\d+) \\(term (\\d+)\\)");
    private static final Pattern GC_PAUSE = Pattern.compile("Pause .* ([0-9.]+)ms$");
    private static final String PAUSE_WARNING = "PauseWatch";

    private final String setting;
    private final AgentCluster cluster;
    private final NodeLogTail logs;

    private LeaderFailoverBench(String setting, AgentCluster cluster) {
        this.setting = setting;
        this.cluster = cluster;
        this.logs = new NodeLogTail(cluster);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: LeaderFailoverBench kills <n> <setting>... | soak <seconds> [burn] <setting>...");
            System.exit(2);
        }
        System.out.printf("Leader failover bench: %s%nmachine: %s%n", String.join(" ", args), BenchSupport.machine());
        int count = Integer.parseInt(args[1]);
        boolean burn = args[2].equals("burn");
        List<String> settings = List.of(args).subList(burn ? 3 : 2, args.length);
        List<LeaderFailoverBench> benches = new ArrayList<>();
        try {
            for (String s : settings) {
                Path dir = Files.createTempDirectory("baton-leader-bench");
                AgentCluster cluster = AgentCluster.write(dir, LeaderFailoverBench::services);
                for (var n : cluster.nodes()) withTimings(n.logFile().resolveSibling("node" + n.id() + ".yaml"), s);
                benches.add(new LeaderFailoverBench(s, cluster));
                System.out.printf("setting %s: node logs in %s%n", s, dir);
            }
            for (LeaderFailoverBench b : benches) b.start();
            if (args[0].equals("kills")) {
                System.out.println("\n| setting | kills | p50 ms | p99 ms | min | max | failed |");
                System.out.println("|---|---:|---:|---:|---:|---:|---:|");
                for (LeaderFailoverBench b : benches) System.out.println(b.kills(count));
            } else {
                soak(benches, count, burn);
            }
        } finally {
            for (LeaderFailoverBench b : benches) b.cluster.close();
        }
        System.out.printf("load at the end: %s%n", BenchSupport.loadAverage());
        System.exit(0);
    }

    private static String services(int node, int port, Path dir) {
        return """
                services:
                  - name: web
                    policy: failover
                    check: {http: "http://{address}:%d/health", interval: 1s, timeout: 500ms}
                    instances:
                      - {name: a, address: 127.0.0.1, priority: 1}
                      - {name: b, address: 127.0.0.2, priority: 2}
                """.formatted(port);
    }

    /** Adds the setting's {@code cluster.timings} to a node's config (written by {@link AgentCluster}). */
    private static void withTimings(Path config, String setting) throws IOException {
        String timings = switch (setting) {
            case "default" -> "";
            case "30/300" -> "  timings: {heartbeat: 30ms, follower_timeout: 300ms, candidate_retry: 90ms}\n";
            case "10/100" -> "  timings: {heartbeat: 10ms, follower_timeout: 100ms, candidate_retry: 30ms}\n";
            default -> throw new IllegalArgumentException("unknown setting " + setting);
        };
        String text = Files.readString(config);
        Files.writeString(config, text.replace("  data_dir:", timings + "  data_dir:"));
    }

    private void start() throws Exception {
        cluster.primary().start();
        cluster.backup().start();
        cluster.startAll();
        if (!waitFor(120_000, () -> agreedLeader().isPresent())) {
            throw new IllegalStateException(setting + ": no agreed leader within 120 s; see " + cluster.dir());
        }
    }

    /** The leader every running node names, when they all name the same one and it says it leads. */
    private Optional<Integer> agreedLeader() {
        int leader = 0;
        for (int id = 1; id <= AgentCluster.SIZE; id++) {
            JsonNode s = cluster.status(id).orElse(null);
            if (s == null) return Optional.empty();
            int named = s.path("leader").asInt();
            if (named == 0 || (leader != 0 && named != leader)) return Optional.empty();
            leader = named;
        }
        int l = leader;
        return cluster.status(l).filter(s -> s.path("leading").asBoolean()).map(s -> l);
    }

    private String kills(int n) throws Exception {
        List<Long> times = new ArrayList<>();
        int failed = 0;
        for (int trial = 1; trial <= n; trial++) {
            if (!waitFor(60_000, () -> agreedLeader().isPresent())) {
                System.out.printf("%s trial %d: no agreed leader within 60 s; stopping%n", setting, trial);
                failed += n - trial + 1;
                break;
            }
            Thread.sleep(ThreadLocalRandom.current().nextLong(1000));
            Optional<Integer> leader = agreedLeader();
            if (leader.isEmpty()) {
                trial--;
                continue;
            }
            logs.readNewLines();
            int killed = leader.get();
            long killWall = System.currentTimeMillis();
            cluster.node(killed).kill();
            boolean agreed = waitFor(30_000, () -> survivorsAgree(killed));
            Thread.sleep(300); // a survivor's log line may trail its status by a little
            OptionalLong ms = agreed ? agreementMillis(logs.readNewLines(), killed, killWall) : OptionalLong.empty();
            if (ms.isPresent()) {
                times.add(ms.getAsLong());
                System.out.printf("%s trial %2d: killed node %d, survivors agreed after %d ms%n", setting, trial, killed,
                        ms.getAsLong());
            } else {
                failed++;
                System.out.printf("%s trial %2d: killed node %d, no agreement measured%n", setting, trial, killed);
            }
            cluster.node(killed).start();
        }
        long[] v = times.stream().mapToLong(Long::longValue).sorted().toArray();
        if (v.length == 0) return "| " + setting + " | 0 | - | - | - | - | " + failed + " |";
        return String.format("| %s | %d | %d | %d | %d | %d | %d |", setting, v.length, BenchSupport.percentile(v, 50),
                BenchSupport.percentile(v, 99), v[0], v[v.length - 1], failed);
    }

    private boolean survivorsAgree(int killed) {
        int leader = 0;
        for (int id = 1; id <= AgentCluster.SIZE; id++) {
            if (id == killed) continue;
            JsonNode s = cluster.status(id).orElse(null);
            if (s == null) return false;
            int named = s.path("leader").asInt();
            if (named == 0 || named == killed || (leader != 0 && named != leader)) return false;
            leader = named;
        }
        return true;
    }

    /** From the kill to the later of: the new leader's "leads" line, the other survivor's "leader is" line. */
    private static OptionalLong agreementMillis(Map<Integer, List<String>> lines, int killed, long killWall) {
        Map<Integer, Long> gained = new LinkedHashMap<>();
        Map<Integer, Map<Integer, Long>> named = new LinkedHashMap<>();
        lines.forEach((id, list) -> {
            if (id == killed) return;
            for (String line : list) {
                OptionalLong at = NodeLogTail.timestamp(line);
                if (at.isEmpty() || at.getAsLong() < killWall) continue;
                Matcher g = GAINED.matcher(line);
                if (g.find()) gained.putIfAbsent(Integer.parseInt(g.group(1)), at.getAsLong() - killWall);
                Matcher l = LEADER_IS.matcher(line);
                if (l.find()) named.computeIfAbsent(id, k -> new LinkedHashMap<>())
                        .putIfAbsent(Integer.parseInt(l.group(1)), at.getAsLong() - killWall);
            }
        });
        for (Map.Entry<Integer, Long> g : gained.entrySet()) {
            int leader = g.getKey();
            long latest = g.getValue();
            boolean all = true;
            for (int id = 1; id <= AgentCluster.SIZE; id++) {
                if (id == killed || id == leader) continue;
                Long t = named.getOrDefault(id, Map.of()).get(leader);
                if (t == null) all = false;
                else latest = Math.max(latest, t);
            }
            if (all) return OptionalLong.of(latest);
        }
        return OptionalLong.empty();
    }

    private static void soak(List<LeaderFailoverBench> benches, int seconds, boolean burn) throws Exception {
        Path gcDir = Path.of(System.getProperty("bench.gcDir", "gc-logs-not-configured"));
        for (LeaderFailoverBench b : benches) {
            if (!waitFor(60_000, () -> b.agreedLeader().isPresent())) throw new IllegalStateException(b.setting + ": no leader");
        }
        Thread.sleep(5_000); // past the hold-down: a hand-over back to the lower id is not what we count
        Map<LeaderFailoverBench, long[]> before = new LinkedHashMap<>();
        Map<Long, Long> gcOffsets = new LinkedHashMap<>();
        for (LeaderFailoverBench b : benches) {
            b.logs.readNewLines();
            before.put(b, b.terms());
            for (var n : b.cluster.nodes()) gcOffsets.put(n.pid(), size(gcDir.resolve("gc-" + n.pid() + ".log")));
        }
        List<Process> burners = new ArrayList<>();
        try {
            if (burn) {
                for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                    burners.add(new ProcessBuilder("sh", "-c", "while :; do :; done")
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                }
            }
            Thread.sleep(seconds * 1000L);
        } finally {
            for (Process p : burners) p.destroyForcibly();
        }
        System.out.printf("%n| setting | soak | elections (terms added) | leader changes | pause warnings | GC pauses | GC max ms | GC total ms |%n");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (LeaderFailoverBench b : benches) {
            long[] after = b.terms();
            long elections = 0;
            for (int i = 1; i < after.length; i++) elections = Math.max(elections, after[i] - before.get(b)[i]);
            int changes = 0;
            int warnings = 0;
            for (List<String> list : b.logs.readNewLines().values()) {
                for (String line : list) {
                    if (GAINED.matcher(line).find()) changes++;
                    if (line.contains(PAUSE_WARNING) && line.contains("WARN")) warnings++;
                }
            }
            int pauses = 0;
            double max = 0;
            double total = 0;
            for (var n : b.cluster.nodes()) {
                for (String line : readFrom(gcDir.resolve("gc-" + n.pid() + ".log"), gcOffsets.get(n.pid()))) {
                    Matcher m = GC_PAUSE.matcher(line);
                    if (!m.find()) continue;
                    double ms = Double.parseDouble(m.group(1));
                    pauses++;
                    max = Math.max(max, ms);
                    total += ms;
                }
            }
            System.out.printf("| %s | %d s%s | %d | %d | %d | %d | %.1f | %.1f |%n", b.setting, seconds,
                    burn ? ", CPU burner on every core" : " idle", elections, changes, warnings, pauses, max, total);
        }
    }

    /** Each node's current term (index = node id), -1 where a node does not answer. */
    private long[] terms() {
        long[] terms = new long[AgentCluster.SIZE + 1];
        for (int id = 1; id <= AgentCluster.SIZE; id++) {
            terms[id] = cluster.status(id).map(s -> s.path("term").asLong()).orElse(-1L);
        }
        return terms;
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    private static List<String> readFrom(Path file, long offset) throws IOException {
        if (!Files.exists(file)) return List.of();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, f.length() - offset)];
            f.seek(offset);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static boolean waitFor(long limitMillis, BooleanSupplier condition) throws InterruptedException {
        return BenchSupport.waitFor(limitMillis, 5, condition);
    }
}
