package dev.baton.agent.e2e;

import dev.baton.agent.demo.DnsProbe;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks some nodes' DNS servers for one service's address, over and over on its own thread (a query every
 * {@link #PAUSE_MILLIS} per node once the previous one returned), and counts every distinct answer per node, so
 * a test can assert what was never answered. Bounded: it stops by itself after {@link #MAX_MILLIS}.
 */
final class AnswerWatch implements AutoCloseable {
    static final long PAUSE_MILLIS = 10;
    static final long MAX_MILLIS = 120_000;

    private final Map<Integer, Map<String, AtomicInteger>> seen = new ConcurrentHashMap<>();
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    AnswerWatch(AgentCluster cluster, String service, List<Integer> nodeIds) {
        thread = new Thread(() -> {
            List<DnsProbe> probes = nodeIds.stream().map(id -> cluster.probe(id, service)).toList();
            long end = System.nanoTime() + MAX_MILLIS * 1_000_000;
            while (running && System.nanoTime() < end) {
                for (int i = 0; i < probes.size(); i++) {
                    String answer = probes.get(i).ask();
                    queries.incrementAndGet();
                    firstSeen.putIfAbsent("node " + nodeIds.get(i) + " " + answer, System.currentTimeMillis());
                    seen.computeIfAbsent(nodeIds.get(i), k -> new ConcurrentHashMap<>())
                            .computeIfAbsent(answer, k -> new AtomicInteger()).incrementAndGet();
                }
                try {
                    Thread.sleep(PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "answer-watch-" + service);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops and waits for the thread; the counts are final afterwards. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }

    int queries() {
        return queries.get();
    }

    /** "node N answer" -> when it was first answered, as an ISO instant: to read next to the node logs. */
    String firstSeen() {
        Map<String, String> out = new TreeMap<>();
        firstSeen.forEach((k, v) -> out.put(k, java.time.Instant.ofEpochMilli(v).toString()));
        return out.toString();
    }

    /** node id -> answer -> how many times, sorted. */
    Map<Integer, Map<String, Integer>> answers() {
        Map<Integer, Map<String, Integer>> out = new TreeMap<>();
        seen.forEach((node, byAnswer) -> {
            Map<String, Integer> counts = new TreeMap<>();
            byAnswer.forEach((answer, n) -> counts.put(answer, n.get()));
            out.put(node, counts);
        });
        return out;
    }
}
