package dev.baton.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.demo.DemoBackend;
import dev.baton.agent.demo.DemoNode;
import dev.baton.agent.demo.LoopbackClusterFiles;
import dev.baton.agent.demo.DnsProbe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Three real Baton agent processes on loopback (node 3 a witness, as in {@code baton demo}) and the two
 * instances every service of the tests points at: a web server on 127.0.0.1 ("a", the primary) and one on
 * 127.0.0.2 ("b"), on the same port. Each node's {@code services:} section is written by the caller, per node,
 * so a test can give one node a check the others do not have. Node logs go to {@code node<N>.log} in the
 * directory. Used by the end-to-end tests and the failover benchmark.
 */
public final class AgentCluster implements AutoCloseable {
    public static final String ZONE = "e2e.baton.test.";
    public static final String PRIMARY = "127.0.0.1";
    public static final String BACKUP = "127.0.0.2";
    public static final int SIZE = LoopbackClusterFiles.SIZE;

    /** Writes the {@code services:} section (with its key) of one node's config. */
    @FunctionalInterface
    public interface ServicesYaml {
        String write(int nodeId, int backendPort, Path dir);
    }

    private final Path dir;
    private final int backendPort;
    private final DemoBackend primary;
    private final DemoBackend backup;
    private final List<DemoNode> nodes = new ArrayList<>();

    private AgentCluster(Path dir, int backendPort) {
        this.dir = dir;
        this.backendPort = backendPort;
        this.primary = new DemoBackend("a", new InetSocketAddress(PRIMARY, backendPort));
        this.backup = new DemoBackend("b", new InetSocketAddress(BACKUP, backendPort));
    }

    /** Writes the key and the three configs into {@code dir}; starts nothing. */
    public static AgentCluster write(Path dir, ServicesYaml services) throws IOException {
        return write(dir, services, id -> "");
    }

    /** As {@link #write(Path, ServicesYaml)}, with more keys in each member's entry (e.g. {@code droplet_id}). */
    public static AgentCluster write(Path dir, ServicesYaml services, java.util.function.IntFunction<String> memberKeys)
            throws IOException {
        return write(dir, services, memberKeys, null);
    }

    /** As {@link #write(Path, ServicesYaml, java.util.function.IntFunction)}, each node's DNS endpoint given. */
    public static AgentCluster write(Path dir, ServicesYaml services, java.util.function.IntFunction<String> memberKeys,
                                     java.util.function.IntFunction<LoopbackClusterFiles.DnsEndpoint> dns)
            throws IOException {
        AgentCluster cluster = new AgentCluster(dir, LoopbackClusterFiles.freePort());
        cluster.nodes.addAll(LoopbackClusterFiles.write(dir, "e2e", ZONE,
                id -> services.write(id, cluster.backendPort, dir), memberKeys, dns));
        return cluster;
    }

    /**
     * One service of the {@code services:} section with instances a ({@link #PRIMARY}, priority 1) and b
     * ({@link #BACKUP}, priority 2), more keys ({@code failback: manual}, or "" for none) and an HTTP check of
     * both on {@code port} with {@code timing} ({@code interval: 300ms, timeout: 300ms, rise: 2, fall: 2}).
     */
    public static String serviceAB(String name, String keys, int port, String timing) {
        return "  - name: " + name + "\n" + (keys.isEmpty() ? "" : "    " + keys + "\n")
                + "    check: {http: \"http://{address}:" + port + "/health\", " + timing + "}\n"
                + "    instances:\n"
                + "      - {name: a, address: " + PRIMARY + ", priority: 1}\n"
                + "      - {name: b, address: " + BACKUP + ", priority: 2}\n";
    }

    public Path dir() {
        return dir;
    }

    public int backendPort() {
        return backendPort;
    }

    /** The primary instance's web server (127.0.0.1). */
    public DemoBackend primary() {
        return primary;
    }

    /** The backup instance's web server (127.0.0.2). */
    public DemoBackend backup() {
        return backup;
    }

    public DemoNode node(int id) {
        return nodes.get(id - 1);
    }

    public List<DemoNode> nodes() {
        return List.copyOf(nodes);
    }

    public void startAll() throws IOException {
        for (DemoNode n : nodes) n.start();
    }

    /** A resolver of {@code <service>.<zone>} A records at one node's DNS server. Not thread-safe; one per thread. */
    public DnsProbe probe(int nodeId, String service) {
        try {
            return new DnsProbe(new InetSocketAddress(InetAddress.getLoopbackAddress(), node(nodeId).dnsPort()),
                    service + "." + ZONE, Duration.ofMillis(250));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One DNS answer: an address, or SERVFAIL, REFUSED, NOERROR-empty, timeout. */
    public String answer(int nodeId, String service) {
        return probe(nodeId, service).ask();
    }

    public Optional<JsonNode> status(int nodeId) {
        return node(nodeId).status();
    }

    /** One service's part of a node's status document, if the node answers. */
    public Optional<JsonNode> service(int nodeId, String service) {
        return status(nodeId).flatMap(s -> service(s, service));
    }

    public static Optional<JsonNode> service(JsonNode status, String service) {
        for (JsonNode svc : status.path("services")) {
            if (service.equals(svc.path("name").asText())) return Optional.of(svc);
        }
        return Optional.empty();
    }

    /** The node that says it leads, if one does. */
    public Optional<Integer> leader() {
        for (DemoNode n : nodes) {
            Optional<JsonNode> s = n.status();
            if (s.isPresent() && s.get().path("leading").asBoolean()) return Optional.of(n.id());
        }
        return Optional.empty();
    }

    /** Sends a signal ({@code STOP}, {@code CONT}) to a node's process with the system's kill command. */
    public void signal(int node, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node(node).pid()))
                .redirectErrorStream(true).start();
        boolean done = kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        if (!done || kill.exitValue() != 0) throw new IllegalStateException("kill -" + signal + " of node " + node + " failed");
    }

    /**
     * Stops everything, then copies the node logs to {@code target/e2e-logs/<test>/}: the temporary directory
     * goes away, and whoever reads a failure needs them.
     */
    public void closeKeepingLogs(Class<?> test) throws IOException {
        close();
        keepLogs(test, nodes.stream().map(DemoNode::logFile).toList());
    }

    /** Copies {@code logs} (those that exist) to {@code target/e2e-logs/<test>/}. */
    public static void keepLogs(Class<?> test, List<Path> logs) throws IOException {
        Path keep = Path.of("target", "e2e-logs", test.getSimpleName());
        java.nio.file.Files.createDirectories(keep);
        for (Path log : logs) {
            if (java.nio.file.Files.exists(log)) {
                java.nio.file.Files.copy(log, keep.resolve(log.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Override
    public void close() {
        for (DemoNode n : nodes) n.kill();
        primary.close();
        backup.close();
    }
}
