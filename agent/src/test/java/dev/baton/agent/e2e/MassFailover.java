package dev.baton.agent.e2e;

import dev.baton.agent.demo.DnsProbe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many services on one {@link AgentCluster}, all losing their primary at once: every service {@code sNNNN} has
 * instance a (127.0.0.1) and b (127.0.0.2), checked over HTTP on the cluster's two web servers, so stopping a's
 * server fails every primary together. {@link #run} kills it and records, per node, when each service was
 * first answered b, and every SERVFAIL any node gave meanwhile. Used by the mass-failover end-to-end test and
 * by {@code MassFailoverBench}.
 */
public final class MassFailover {
    private static final Pattern DECISION = Pattern.compile("Replica - decision (\\d+) \\(term \\d+\\): s\\d+ -> b ");

    private final AgentCluster cluster;
    private final int services;
    /** When {@link #run} stopped the primaries' server (wall clock, as the nodes' log lines are stamped). */
    private volatile long killedAtEpochMillis;

    public MassFailover(AgentCluster cluster, int services) {
        this.cluster = cluster;
        this.services = services;
    }

    /** The {@code services:} section: {@code count} services checked every {@code interval} with {@code fall}. */
    public static String servicesYaml(int count, int port, String interval, int fall) {
        StringBuilder out = new StringBuilder("services:\n");
        for (int i = 0; i < count; i++) {
            out.append("  - name: ").append(name(i)).append("\n")
                    .append("    check: {http: \"http://{address}:").append(port).append("/health\", interval: ")
                    .append(interval).append(", rise: 2, fall: ").append(fall).append("}\n")
                    .append("    instances:\n")
                    .append("      - {name: a, address: 127.0.0.1, priority: 1}\n")
                    .append("      - {name: b, address: 127.0.0.2, priority: 2}\n");
        }
        return out.toString();
    }

    public static String name(int i) {
        return String.format("s%04d", i);
    }

    /** Per node: when (ms after the kill) each service was first answered b, -1 if never; and SERVFAILs seen. */
    public record NodeResult(int node, long[] firstBackupMillis, long servfails, long queries, List<String> firstServfails) {
        public long percentile(int p) {
            long[] sorted = firstBackupMillis.clone();
            Arrays.sort(sorted);
            if (sorted.length == 0 || sorted[0] < 0) return -1;
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        public boolean complete() {
            return Arrays.stream(firstBackupMillis).allMatch(t -> t >= 0);
        }
    }

    /** Waits until every node answers {@code address} for every service (bounded); true if they do. */
    public boolean awaitEveryNodeAnswers(String address, long limitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limitMillis;
        List<DnsProbe[]> probes = probes();
        for (int node = 1; node <= AgentCluster.SIZE; node++) {
            for (int s = 0; s < services; s++) {
                while (!address.equals(probes.get(node - 1)[s].ask())) {
                    if (System.currentTimeMillis() > deadline) return false;
                    Thread.sleep(20);
                }
            }
        }
        return true;
    }

    /**
     * Stops the primaries' server and polls every node's DNS for every service, round after round, until each
     * node has answered b for all of them or {@code limitMillis} passed.
     */
    public List<NodeResult> run(long limitMillis) throws InterruptedException {
        List<NodeResult> results = new ArrayList<>();
        List<Thread> pollers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        long[][] first = new long[AgentCluster.SIZE + 1][services];
        AtomicLong[] servfails = new AtomicLong[AgentCluster.SIZE + 1];
        AtomicLong[] queries = new AtomicLong[AgentCluster.SIZE + 1];
        List<List<String>> servfailSamples = new ArrayList<>();
        for (int node = 0; node <= AgentCluster.SIZE; node++) servfailSamples.add(java.util.Collections.synchronizedList(new ArrayList<>()));
        List<DnsProbe[]> probes = probes();
        long start = System.nanoTime();
        for (int node = 1; node <= AgentCluster.SIZE; node++) {
            int n = node;
            Arrays.fill(first[n], -1);
            servfails[n] = new AtomicLong();
            queries[n] = new AtomicLong();
            Thread t = new Thread(() -> {
                int left = services;
                while (left > 0 && !stop.get()) {
                    for (int s = 0; s < services && !stop.get(); s++) {
                        if (first[n][s] >= 0) continue;
                        String answer = probes.get(n - 1)[s].ask();
                        queries[n].incrementAndGet();
                        if ("SERVFAIL".equals(answer) && servfails[n].incrementAndGet() <= 20) {
                            servfailSamples.get(n).add(name(s) + " at +" + (System.nanoTime() - start) / 1_000_000 + " ms");
                        }
                        if (AgentCluster.BACKUP.equals(answer)) {
                            first[n][s] = (System.nanoTime() - start) / 1_000_000;
                            left--;
                        }
                    }
                }
            }, "mass-poller-" + n);
            t.setDaemon(true);
            pollers.add(t);
        }
        pollers.forEach(Thread::start);
        killedAtEpochMillis = System.currentTimeMillis();
        cluster.primary().stop();
        long deadline = System.currentTimeMillis() + limitMillis;
        for (Thread t : pollers) t.join(Math.max(1, deadline - System.currentTimeMillis()));
        stop.set(true);
        for (Thread t : pollers) t.join(5_000);
        for (int node = 1; node <= AgentCluster.SIZE; node++) {
            results.add(new NodeResult(node, first[node], servfails[node].get(), queries[node].get(),
                    List.copyOf(servfailSamples.get(node))));
        }
        return results;
    }

    /** How many log entries (distinct indexes) applied failovers to b on {@code node}, from its log. */
    public long entriesFailingOver(int node) throws java.io.IOException {
        Path log = cluster.node(node).logFile();
        try (var lines = Files.lines(log)) {
            return lines.map(DECISION::matcher).filter(Matcher::find).map(m -> m.group(1)).distinct().count();
        }
    }

    /**
     * Per service, when (ms after the kill) {@code node} applied its move to b, from the node's log: the line is
     * written after the answer table is swapped, so from then on the node answers b (while current). Unlike
     * {@link NodeResult#firstBackupMillis}, not delayed by the poller's round over every name (a round of a thousand
     * sequential queries took seconds). -1 for a service not moved.
     */
    public long[] appliedBackupMillis(int node) throws java.io.IOException {
        long[] out = new long[services];
        Arrays.fill(out, -1);
        Pattern applied = Pattern.compile("^(\\S+) .*Replica - decision \\d+ \\(term \\d+\\): s(\\d+) -> b ");
        try (var lines = Files.lines(cluster.node(node).logFile())) {
            lines.map(applied::matcher).filter(Matcher::find).forEach(m -> {
                long at = java.time.Instant.parse(m.group(1)).toEpochMilli() - killedAtEpochMillis;
                int s = Integer.parseInt(m.group(2));
                if (at >= 0 && s < services && out[s] < 0) out[s] = at;
            });
        }
        return out;
    }

    private List<DnsProbe[]> probes() {
        List<DnsProbe[]> out = new ArrayList<>();
        for (int node = 1; node <= AgentCluster.SIZE; node++) {
            DnsProbe[] p = new DnsProbe[services];
            for (int s = 0; s < services; s++) p[s] = cluster.probe(node, name(s));
            out.add(p);
        }
        return out;
    }
}
