package dev.baton.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.demo.DemoBackend;
import dev.baton.agent.demo.DemoNode;
import dev.baton.agent.demo.DnsProbe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
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
    public static final int SIZE = 3;

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
        AgentCluster cluster = new AgentCluster(dir, freePort());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(dir.resolve("cluster.key"), HexFormat.of().formatHex(key) + "\n");
        int[] clusterPorts = {freePort(), freePort(), freePort()};
        for (int id = 1; id <= SIZE; id++) {
            int api = freePort();
            int dns = freePort();
            Path config = dir.resolve("node" + id + ".yaml");
            Files.writeString(config, String.format("""
                    cluster:
                      name: e2e
                      node: %d
                      members:
                        - {id: 1, address: 127.0.0.1:%d}
                        - {id: 2, address: 127.0.0.1:%d}
                        - {id: 3, address: 127.0.0.1:%d, witness: true}
                      key_file: cluster.key
                      data_dir: data/node%d
                    api:
                      listen: 127.0.0.1:%d
                    dns:
                      listen: [127.0.0.1:%d]
                      zone: %s
                      ttl: 1s
                    """, id, clusterPorts[0], clusterPorts[1], clusterPorts[2], id, api, dns, ZONE)
                    + services.write(id, cluster.backendPort, dir));
            cluster.nodes.add(new DemoNode(id, api, dns, config, dir.resolve("node" + id + ".log")));
        }
        return cluster;
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

    @Override
    public void close() {
        for (DemoNode n : nodes) n.kill();
        primary.close();
        backup.close();
    }

    /**
     * A port that was free a moment ago. The agents need their cluster ports before they start (every config
     * lists every member), so these cannot be bound with port 0; a collision fails the start loudly.
     */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
