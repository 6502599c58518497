package dev.baton.agent.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code baton demo}: three Baton nodes (the third a witness) as real processes on loopback, two instances
 * of a web service (127.0.0.1 and 127.0.0.2), and a client that resolves the service through the nodes' DNS
 * every 50 ms. It kills the primary and shows the failover as a timeline, brings it back and shows the
 * failback after the hold-down, kills the leader node and shows that DNS kept answering, then, as an operator,
 * switches the service to b and back to a with {@code baton switch} (the CLI, run as its own process against a
 * node's API with the token of {@code api.token_file}) and shows each switch and the history, then prints a
 * summary. Exit 0 when every step behaved as it must.
 */
public final class Demo {
    static final String ZONE = "demo.baton.test.";
    static final String NAME = "web." + ZONE;
    static final long POLL_MILLIS = 20;
    static final long DNS_POLL_MILLIS = 5;
    /** How long an operator's switch may take, from typing the command to every node answering (a JVM starts). */
    static final Duration SWITCH_LIMIT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Long> served = new ConcurrentHashMap<>();
    private volatile long phaseStart;

    public Demo(PrintStream out) {
        this.out = out;
    }

    @SuppressWarnings("unchecked")
    public int run() throws Exception {
        Path dir = Files.createTempDirectory("baton-demo");
        int backendPort = LoopbackClusterFiles.freePort();
        DemoBackend a = new DemoBackend("a", new InetSocketAddress("127.0.0.1", backendPort));
        DemoBackend b = new DemoBackend("b", new InetSocketAddress("127.0.0.2", backendPort));
        List<DemoNode> nodes = writeCluster(dir, backendPort);
        LoopbackClusterFiles.requireApiToken(dir, newToken());
        DemoClient client = null;
        try {
            a.start();
            b.start();
            out.printf("Baton demo: 3 nodes (node 3 is a witness), service %s with instances a (127.0.0.1) and b"
                    + " (127.0.0.2), checked every 100 ms, fall 2, failback after 2 s; the API needs the token in"
                    + " api.token.%nFiles and node logs: %s%n%n", NAME, dir);
            for (DemoNode n : nodes) n.start();
            long started = System.nanoTime();
            if (!await(Duration.ofSeconds(60), () -> nodes.stream().allMatch(n -> "127.0.0.1".equals(dnsAnswer(n))))) {
                problems.add("the cluster did not start answering within 60 s (see the node logs)");
                return report(nodes, null);
            }
            Optional<JsonNode>[] leader = new Optional[]{Optional.empty()};
            if (!await(Duration.ofSeconds(10), () -> (leader[0] = leaderStatus(nodes)).isPresent())) {
                problems.add("no node reports leading although DNS answers (see the node logs)");
                return report(nodes, null);
            }
            JsonNode first = leader[0].get();
            out.printf("Cluster up after %d ms: node %d leads (term %d); every node answers %s -> a (127.0.0.1).%n",
                    ms(System.nanoTime() - started), first.path("node").asInt(), first.path("term").asLong(), NAME);
            out.printf("Live dashboard while the demo runs: http://127.0.0.1:%d/ (every node serves one).%n",
                    nodes.get(1).apiPort);

            List<DnsProbe> resolvers = new ArrayList<>();
            for (DemoNode n : nodes) resolvers.add(probe(n));
            client = new DemoClient(resolvers, backendPort, (instance, at) -> served.putIfAbsent(instance + "@" + phaseStart, at));
            client.start();
            Thread.sleep(1000);
            // Every node's own checks see both instances up before anything is killed: a check that flapped
            // at start-up would otherwise be "down" already and show no change in the timeline.
            if (!await(Duration.ofSeconds(30), () -> nodes.stream().allMatch(Demo::seesBothUp))) {
                problems.add("the nodes' checks did not all see a and b up within 30 s (see the node logs)");
                return report(nodes, client);
            }
            out.printf("Client: resolving %s through the nodes' DNS and calling the instance every %d ms.%n%n",
                    NAME, DemoClient.PERIOD_MILLIS);

            failover(nodes, a, client);
            failback(nodes, a, client);
            leaderKilled(nodes, client);
            operatorSwitch("== 4. An operator switches web to b on purpose ==", nodes, client, dir, "b", "127.0.0.2");
            operatorSwitch("== 5. ... and switches it back to a ==", nodes, client, dir, "a", "127.0.0.1");
            history(nodes, dir);
            return report(nodes, client);
        } finally {
            if (client != null) client.close();
            for (DemoNode n : nodes) n.close();
            a.close();
            b.close();
        }
    }

    private void failover(List<DemoNode> nodes, DemoBackend a, DemoClient client) {
        switchPhase("== 1. The primary (a) dies ==", "instance a killed", a::stop, nodes, client,
                Duration.ofSeconds(15), "down", "127.0.0.2", "b", "failover to b");
    }

    private void failback(List<DemoNode> nodes, DemoBackend a, DemoClient client) {
        switchPhase("== 2. The primary comes back (failback: after 2s) ==", "instance a restarted", () -> {
            try {
                a.start();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot restart instance a", e);
            }
        }, nodes, client, Duration.ofSeconds(20), "up", "127.0.0.1", "a", "failback to a");
    }

    /** One switch of the active instance: do {@code action} to instance a, then watch the cluster follow. */
    private void switchPhase(String title, String event, Runnable action, List<DemoNode> nodes, DemoClient client,
                             Duration limit, String aState, String expectAddress, String expectActive, String what) {
        out.println(title);
        long failedBefore = client.failed.get();
        Timeline t = startPhase();
        action.run();
        t.mark(event);
        boolean done = watch(t, nodes, limit, "a", aState, expectAddress, expectActive);
        t.print(out);
        long failed = client.failed.get() - failedBefore;
        out.printf("   failed requests: %d%n%n", failed);
        if (!done) problems.add(what + " did not complete within " + limit.toSeconds() + " s");
        if (failed > 0) problems.add(failed + " client requests failed during the " + what);
    }

    private void leaderKilled(List<DemoNode> nodes, DemoClient client) throws IOException {
        out.println("== 3. The leader node dies (kill -9) ==");
        Optional<JsonNode> leaderStatus = leaderStatus(nodes);
        if (leaderStatus.isEmpty()) {
            problems.add("no leader to kill");
            return;
        }
        int leaderId = leaderStatus.get().path("node").asInt();
        long oldTerm = leaderStatus.get().path("term").asLong();
        DemoNode leader = nodes.get(leaderId - 1);
        List<DemoNode> survivors = nodes.stream().filter(n -> n != leader).toList();
        List<DnsProbe> probes = new ArrayList<>();
        for (DemoNode n : survivors) probes.add(probe(n));
        long failedBefore = client.failed.get();
        Timeline t = startPhase();
        leader.kill();
        t.mark("node " + leaderId + " (leader, term " + oldTerm + ") killed");
        int queries = 0;
        Map<String, Integer> unexpected = new LinkedHashMap<>();
        long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < end) {
            for (int i = 0; i < survivors.size(); i++) {
                String answer = probes.get(i).ask();
                queries++;
                if (!"127.0.0.1".equals(answer)) unexpected.merge("node " + survivors.get(i).id + ": " + answer, 1, Integer::sum);
            }
            for (DemoNode n : survivors) {
                n.status().ifPresent(s -> {
                    if (s.path("leading").asBoolean()) {
                        t.mark("node " + n.id + " leads (term " + s.path("term").asLong() + ")");
                    }
                });
            }
            sleep(POLL_MILLIS);
        }
        t.print(out);
        long failed = client.failed.get() - failedBefore;
        out.printf("   DNS queries to the surviving nodes during the 4 s after the kill: %d, answered a (127.0.0.1): %d%s%n",
                queries, queries - unexpected.values().stream().mapToInt(Integer::intValue).sum(),
                unexpected.isEmpty() ? " (all of them)" : "; others: " + unexpected);
        out.printf("   failed requests: %d%n%n", failed);
        if (!unexpected.isEmpty()) problems.add("DNS answers changed or went missing after the leader died: " + unexpected);
        if (failed > 0) problems.add(failed + " client requests failed after the leader died");
        if (!t.has("leads")) problems.add("no new leader within 4 s of killing the leader");
    }

    /**
     * Runs {@code baton switch web INSTANCE} against a node's API (one that does not lead, when there is one: it
     * forwards to the leader) and watches every live node apply the decision and answer {@code address}.
     */
    private void operatorSwitch(String title, List<DemoNode> nodes, DemoClient client, Path dir, String instance,
                                String address) throws IOException {
        out.println(title);
        DemoNode via = apiNode(nodes);
        String shown = "baton switch web " + instance + " --config " + via.config().getFileName();
        long failedBefore = client.failed.get();
        Timeline t = startPhase();
        CliProcess cli = CliProcess.start(dir, "switch-" + instance, "switch", "web", instance,
                "--config", via.config().toString());
        t.mark("$ " + shown + "   (node " + via.id + "'s API, the token from its api.token_file)");
        boolean done = watch(t, nodes, SWITCH_LIMIT, "a", "up", address, instance);
        boolean exited = cli.await(SWITCH_LIMIT);
        if (exited) {
            String said = cli.exitCode() == 0 ? "committed: " + cli.stdout() : "REFUSED: " + cli.stderr();
            t.at(cli.exitedNanos(), "baton switch exits " + cli.exitCode() + ", " + said);
        }
        t.print(out);
        long failed = client.failed.get() - failedBefore;
        out.printf("   failed requests: %d%n%n", failed);
        if (!exited) problems.add(shown + " did not finish within " + SWITCH_LIMIT.toSeconds() + " s");
        else if (cli.exitCode() != 0) problems.add(shown + " failed: " + cli.stderr());
        if (!done) problems.add("the switch to " + instance + " did not reach every node within " + SWITCH_LIMIT.toSeconds() + " s");
        if (failed > 0) problems.add(failed + " client requests failed during the switch to " + instance);
    }

    /** Shows the newest history entries with {@code baton history web}: the switches, who asked, the decisions. */
    private void history(List<DemoNode> nodes, Path dir) throws IOException {
        DemoNode via = apiNode(nodes);
        out.println("== The history (identical on every node) ==");
        out.println("   $ baton history web --limit 4 --config " + via.config().getFileName());
        CliProcess cli = CliProcess.start(dir, "history", "history", "web", "--limit", "4", "--config", via.config().toString());
        if (!cli.await(SWITCH_LIMIT) || cli.exitCode() != 0) {
            problems.add("baton history failed: " + cli.stderr());
            return;
        }
        String text = cli.stdout();
        text.lines().forEach(l -> out.println("   " + l));
        out.println();
        for (String instance : List.of("a", "b")) {
            if (!text.contains("web switch " + instance + " by ")) problems.add("the history shows no switch to " + instance);
        }
    }

    /** A live node that does not lead, else any live node. */
    private static DemoNode apiNode(List<DemoNode> nodes) {
        DemoNode any = null;
        for (DemoNode n : nodes) {
            if (!n.alive()) continue;
            if (any == null) any = n;
            if (!n.status().map(s -> s.path("leading").asBoolean()).orElse(true)) return n;
        }
        if (any == null) throw new IllegalStateException("no node is running");
        return any;
    }

    private static String newToken() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /**
     * Polls every node until each has seen {@code instance} {@code state} in its own checks, applied a decision
     * for {@code expectActive}, and answers {@code expectAddress}, and the client has been served by it.
     */
    private boolean watch(Timeline t, List<DemoNode> nodes, Duration limit, String instance, String state,
                          String expectAddress, String expectActive) {
        long end = System.nanoTime() + limit.toNanos();
        // One DNS poller per node, every 5 ms: the time a node first answers is then accurate to a few ms, which
        // one loop polling three nodes' status and DNS in turn is not.
        Map<Integer, Long> answeredAt = new ConcurrentHashMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        List<Thread> pollers = new ArrayList<>();
        for (DemoNode n : nodes) {
            if (!n.alive()) continue;
            Thread poller = new Thread(() -> pollDns(n, expectAddress, end, watching, answeredAt), "demo-dns-" + n.id);
            poller.setDaemon(true);
            poller.start();
            pollers.add(poller);
        }
        try {
            while (System.nanoTime() < end) {
                boolean all = true;
                for (DemoNode n : nodes) {
                    if (!n.alive()) continue;
                    recordStatus(t, n, instance, state, expectActive);
                    Long at = answeredAt.get(n.id);
                    if (at != null) t.at(at, "node " + n.id + ": DNS answers " + expectActive + " (" + expectAddress + ")");
                    else all = false;
                }
                Long servedAt = served.get(expectActive + "@" + phaseStart);
                if (servedAt != null) t.at(servedAt, "client: first request served by " + expectActive);
                if (all && servedAt != null) {
                    // A node may have applied between its status poll and its DNS answer: one more look at each.
                    for (DemoNode n : nodes) if (n.alive()) recordStatus(t, n, instance, state, expectActive);
                    return true;
                }
                sleep(POLL_MILLIS);
            }
            return false;
        } finally {
            watching.set(false);
            for (Thread poller : pollers) {
                try {
                    poller.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void pollDns(DemoNode n, String expectAddress, long end, AtomicBoolean watching,
                                Map<Integer, Long> answeredAt) {
        DnsProbe probe;
        try {
            probe = probe(n);
        } catch (IOException e) {
            return; // no answer from this node: the phase reports it as not done
        }
        while (watching.get() && System.nanoTime() < end) {
            if (expectAddress.equals(probe.ask())) {
                answeredAt.put(n.id, System.nanoTime());
                return;
            }
            sleep(DNS_POLL_MILLIS);
        }
    }

    /**
     * Records the node's own check of {@code instance} reaching {@code state} and its applying the decision for
     * {@code expectActive}, at the times the node reports: polls of three nodes in turn on a busy machine would
     * otherwise show events out of their real order.
     */
    private static void recordStatus(Timeline t, DemoNode n, String instance, String state, String expectActive) {
        Optional<JsonNode> s = n.status();
        if (s.isEmpty()) return;
        JsonNode svc = s.get().path("services").path(0);
        if (state.equals(svc.path("local_checks").path(instance).asText())) {
            t.atWallClock(svc.path("local_checks_changed_at").path(instance).asText(null),
                    "node " + n.id + ": its check sees " + instance + " " + state);
        }
        if (expectActive.equals(svc.path("active").asText())) {
            String who = s.get().path("leading").asBoolean() ? " (leader)" : "";
            t.atWallClock(svc.path("applied_at").asText(null), "node " + n.id + ": decision applied: web -> "
                    + expectActive + " (term " + svc.path("decided_term").asLong() + ")" + who + ": "
                    + svc.path("reason").asText());
        }
    }

    private int report(List<DemoNode> nodes, DemoClient client) {
        out.println("== Summary ==");
        if (client != null) {
            out.printf("client requests: %d, served: %d, needed a retry: %d, failed: %d%n", client.requests.get(),
                    client.requests.get() - client.failed.get(), client.retried.get(), client.failed.get());
        }
        if (problems.isEmpty()) {
            out.println("Every step behaved as it must: one instance in use at a time, failover and failback by the"
                    + " cluster's verdict, DNS answers unbroken when the leader died, and an operator's switches"
                    + " committed through the log and answered by every node.");
            return 0;
        }
        for (String p : problems) out.println("PROBLEM: " + p);
        return 1;
    }

    private Timeline startPhase() {
        Timeline t = new Timeline();
        phaseStart = t.start;
        return t;
    }

    private List<DemoNode> writeCluster(Path dir, int backendPort) throws IOException {
        return LoopbackClusterFiles.write(dir, "demo", ZONE, id -> String.format("""
                services:
                  - name: web
                    policy: failover
                    failback: after 2s
                    vantage: quorum
                    when_none_healthy: keep_last
                    check: {http: "http://{address}:%d/health", interval: 100ms, timeout: 80ms, rise: 2, fall: 2}
                    instances:
                      - {name: a, address: 127.0.0.1, priority: 1}
                      - {name: b, address: 127.0.0.2, priority: 2}
                """, backendPort));
    }

    private static boolean seesBothUp(DemoNode n) {
        return n.status().map(s -> {
            JsonNode checks = s.path("services").path(0).path("local_checks");
            return "up".equals(checks.path("a").asText()) && "up".equals(checks.path("b").asText());
        }).orElse(false);
    }

    private static Optional<JsonNode> leaderStatus(List<DemoNode> nodes) {
        for (DemoNode n : nodes) {
            Optional<JsonNode> s = n.status();
            if (s.isPresent() && s.get().path("leading").asBoolean()) return s;
        }
        return Optional.empty();
    }

    private final Map<Integer, DnsProbe> probes = new ConcurrentHashMap<>();

    private String dnsAnswer(DemoNode n) {
        if (!n.alive()) return "dead";
        return probes.computeIfAbsent(n.id, id -> {
            try {
                return probe(n);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).ask();
    }

    private static DnsProbe probe(DemoNode n) throws IOException {
        return new DnsProbe(new InetSocketAddress(InetAddress.getLoopbackAddress(), n.dnsPort), NAME, Duration.ofMillis(200));
    }

    private static boolean await(Duration limit, java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            sleep(100);
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** Events of one phase, in milliseconds since it began; each event is recorded the first time it is seen. */
    static final class Timeline {
        final long start = System.nanoTime();
        private final long startEpochMillis = System.currentTimeMillis();
        private final Map<String, Long> events = new LinkedHashMap<>();

        /** Records {@code event} now, unless it was already recorded. */
        void mark(String event) {
            at(System.nanoTime(), event);
        }

        /**
         * Records {@code event} at a wall-clock instant a node reported (ISO-8601; null: not known), unless it was
         * already recorded or happened before this timeline started. Both clocks are this machine's.
         */
        void atWallClock(String instant, String event) {
            if (instant == null || instant.isEmpty() || "null".equals(instant)) return;
            long epochMillis;
            try {
                epochMillis = Instant.parse(instant).toEpochMilli();
            } catch (DateTimeParseException e) {
                return;
            }
            if (epochMillis < startEpochMillis) return;
            at(start + (epochMillis - startEpochMillis) * 1_000_000L, event);
        }

        void at(long nanos, String event) {
            events.putIfAbsent(event, nanos);
        }

        boolean has(String word) {
            return events.keySet().stream().anyMatch(e -> e.contains(word));
        }

        void print(PrintStream out) {
            events.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e ->
                    out.printf("   %+6d ms  %s%n", ms(e.getValue() - start), e.getKey()));
        }
    }
}
