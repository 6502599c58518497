package dev.baton.agent.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.e2e.NamespacedAgents;
import dev.baton.agent.publish.vip.NetNsLab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Three real agents in network namespaces whose cluster traffic crosses a "WAN" namespace: node i dials node j
 * at {@link #relayAddress(int, int)}, a {@link TcpDelayRelay} there forwards to j's own address. Cuts are
 * nftables rules in the WAN namespace (packets dropped silently, as a broken link does); delay and loss are the
 * relay's. A client namespace asks every node's DNS directly, so only the links between nodes are disturbed.
 * Service {@code db} has instances a ({@link #ADDRESS_A}) and b ({@link #ADDRESS_B}), healthy while their
 * flag file exists ({@link #setInstanceUp}).
 */
final class ChaosCluster implements AutoCloseable {
    static final String[] NODES = {"n1", "n2", "n3"};
    static final String WAN = "wan";
    static final String CLIENT = "client";
    static final String ADDRESS_A = "192.0.2.190";
    static final String ADDRESS_B = "192.0.2.191";
    static final String NAME = "db.chaos.baton.test.";
    private static final int CLUSTER_PORT = 7401;
    private static final int DNS_PORT = 5300;

    final NetNsLab lab;
    final NamespacedAgents agents;
    private final Path dir;
    private final Writer relayControl;
    private final List<String> relayOutput = new CopyOnWriteArrayList<>();

    private ChaosCluster(NetNsLab lab, Path dir, String agentClassPath) throws IOException, InterruptedException {
        this.lab = lab;
        this.dir = dir;
        this.agents = new NamespacedAgents(lab, dir);
        List<String> links = new ArrayList<>();
        for (int i = 1; i <= NODES.length; i++) {
            for (int j = 1; j <= NODES.length; j++) {
                if (i == j) continue;
                lab.execOk(WAN, "ip", "addr", "add", relayAddress(i, j) + "/" + NetNsLab.PREFIX_V4, "dev", NetNsLab.INTERFACE);
                links.add(relayAddress(i, j) + ":" + CLUSTER_PORT + "=" + nodeAddress(j) + ":" + CLUSTER_PORT);
            }
        }
        lab.execOk(WAN, "nft", "add table inet chaos; add chain inet chaos in { type filter hook input priority 0 ; };"
                + " add chain inet chaos out { type filter hook output priority 0 ; }");
        Process relay = lab.startJava(WAN, TcpDelayRelay.class, links.toArray(String[]::new));
        relayControl = new OutputStreamWriter(relay.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) relayOutput.add(line);
            } catch (IOException e) {
                // the relay ended
            }
        }, "relay-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!relayOutput.contains("ready")) {
            if (!relay.isAlive() || System.nanoTime() > deadline) throw new IOException("relay did not start: " + relayOutput);
            Thread.sleep(50); // a real process starting: bounded by the deadline above
        }
        Files.writeString(flag("a"), "");
        Files.writeString(flag("b"), "");
        for (int i = 1; i <= NODES.length; i++) {
            List<String> members = new ArrayList<>();
            for (int j = 1; j <= NODES.length; j++) {
                members.add((i == j ? nodeAddress(j) : relayAddress(i, j)) + ":" + CLUSTER_PORT);
            }
            agents.writeConfig(NODES[i - 1], "chaos", i, members, 0, nodeAddress(i) + ":" + DNS_PORT, """
                    services:
                      - name: db
                        check: {interval: 200ms, timeout: 150ms, rise: 2, fall: 2}
                        instances:
                          - {name: a, address: %s, priority: 1, check: {exec: ["/usr/bin/test", "-e", "%s"]}}
                          - {name: b, address: %s, priority: 2, check: {exec: ["/usr/bin/test", "-e", "%s"]}}
                    """.formatted(ADDRESS_A, flag("a"), ADDRESS_B, flag("b")));
        }
        for (String node : NODES) agents.start(node, agentClassPath);
    }

    /** Creates the namespaces, the relay and the agents; everything is removed by {@link #close()}. */
    static ChaosCluster start(Path dir) throws IOException, InterruptedException {
        return start(dir, System.getProperty("java.class.path"));
    }

    /** As {@link #start(Path)}, the agents run from {@code agentClassPath} (a bench compares two builds). */
    static ChaosCluster start(Path dir, String agentClassPath) throws IOException, InterruptedException {
        NetNsLab.requireTools("ip", "nft", "curl");
        NetNsLab lab = NetNsLab.create(NODES[0], NODES[1], NODES[2], WAN, CLIENT);
        try {
            return new ChaosCluster(lab, dir, agentClassPath);
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    String nodeAddress(int node) {
        return lab.ipv4(NODES[node - 1]).getHostAddress();
    }

    /** Where node {@code from} dials node {@code to}: an address of the WAN namespace, one per ordered pair. */
    String relayAddress(int from, int to) {
        return lab.spareIpv4(10 * from + to).getHostAddress();
    }

    private Path flag(String instance) {
        return dir.resolve(instance + ".up");
    }

    /** Makes an instance's check pass (its flag file exists) or fail. */
    void setInstanceUp(String instance, boolean up) throws IOException {
        if (up) Files.writeString(flag(instance), "");
        else Files.deleteIfExists(flag(instance));
    }

    /**
     * Replaces every cut with {@code rules}: nftables statements for the WAN namespace's {@code in} and
     * {@code out} chains, e.g. {@code "in ip saddr 192.0.2.1 drop"}. No rule: the network is whole.
     */
    void cut(String... rules) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder("flush chain inet chaos in; flush chain inet chaos out");
        for (String rule : rules) script.append("; add rule inet chaos ").append(rule);
        lab.execOk(WAN, "nft", script.toString());
    }

    /** Cuts that make {@code node}'s packets to the other nodes vanish, and (if {@code both}) theirs to it. */
    String[] isolate(int node, boolean both) {
        return both ? new String[] {"in ip saddr " + nodeAddress(node) + " drop", "out ip daddr " + nodeAddress(node) + " drop"}
                : new String[] {"in ip saddr " + nodeAddress(node) + " drop"};
    }

    /** Cuts the link between two nodes, both ways, leaving their links to the third. */
    String[] cutLink(int a, int b) {
        String set = "{ " + relayAddress(a, b) + ", " + relayAddress(b, a) + " }";
        return new String[] {"in ip daddr " + set + " drop", "out ip saddr " + set + " drop"};
    }

    /** Sets the relay's link model: one-way delay ± jitter, and loss as retransmission stalls. */
    void delay(long oneWayMillis, long jitterMillis, double lossPercent, long stallMillis) throws IOException {
        relayControl.write("delay " + oneWayMillis + " " + jitterMillis + " " + lossPercent + " " + stallMillis + "\n");
        relayControl.flush();
    }

    /** Starts the client: it asks every node's DNS for {@link #NAME} every {@code pauseMillis}, for at most 5 min. */
    Poll poll(long pauseMillis) throws IOException {
        List<String> args = new ArrayList<>(List.of(NAME, Long.toString(pauseMillis), "300"));
        for (int i = 1; i <= NODES.length; i++) args.add(nodeAddress(i) + ":" + DNS_PORT);
        return new Poll(lab.startJava(CLIENT, DnsPoller.class, args.toArray(String[]::new)));
    }

    Optional<JsonNode> status(int node) throws IOException, InterruptedException {
        return agents.status(NODES[node - 1]);
    }

    /** The highest value of a numeric status field ({@code term}, {@code commit_index}) over the nodes that answer. */
    long maxOf(String field) throws IOException, InterruptedException {
        long max = 0;
        for (int n = 1; n <= NODES.length; n++) {
            Optional<JsonNode> s = status(n);
            if (s.isPresent()) max = Math.max(max, s.get().path(field).asLong());
        }
        return max;
    }

    List<Path> logs() {
        return java.util.Arrays.stream(NODES).map(agents::log).collect(Collectors.toList());
    }

    @Override
    public void close() {
        lab.close();
    }

    /** The client's answers as they arrive; {@link #stop()} ends the client and returns them all. */
    static final class Poll {
        private final Process process;
        private final List<Answer> answers = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Poll(Process process) {
            this.process = process;
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (!line.isBlank()) answers.add(Answer.parse(line));
                    }
                } catch (IOException e) {
                    // the client ended
                }
            }, "chaos-client");
            reader.setDaemon(true);
            reader.start();
        }

        List<Answer> answers() {
            return List.copyOf(answers);
        }

        List<Answer> stop() throws IOException, InterruptedException {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            reader.join(5_000);
            return List.copyOf(answers);
        }
    }
}
