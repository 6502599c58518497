package dev.baton.agent.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Writes a three-node cluster on loopback (node 3 a witness) into a directory: a fresh key and one config per
 * node on free ports, with the {@code services} section each node is given. Used by the demo and by the
 * end-to-end tests and benchmarks.
 */
public final class LoopbackClusterFiles {
    public static final int SIZE = 3;

    private LoopbackClusterFiles() {
    }

    public static List<DemoNode> write(Path dir, String clusterName, String zone, IntFunction<String> servicesYaml)
            throws IOException {
        return write(dir, clusterName, zone, servicesYaml, id -> "");
    }

    /**
     * As {@link #write(Path, String, String, IntFunction)}, with more keys in each member's entry
     * ({@code memberKeys.apply(id)}, e.g. {@code ", droplet_id: 201"}).
     */
    public static List<DemoNode> write(Path dir, String clusterName, String zone, IntFunction<String> servicesYaml,
                                       IntFunction<String> memberKeys) throws IOException {
        return write(dir, clusterName, zone, servicesYaml, memberKeys, null);
    }

    /** Where one node's DNS server listens, and more keys of its {@code dns:} section. */
    public record DnsEndpoint(String host, int port, String moreKeys) {
    }

    /**
     * As {@link #write(Path, String, String, IntFunction, IntFunction)}, with each node's DNS endpoint given
     * ({@code dns.apply(id)}); null for 127.0.0.1 on a free port.
     */
    public static List<DemoNode> write(Path dir, String clusterName, String zone, IntFunction<String> servicesYaml,
                                       IntFunction<String> memberKeys, IntFunction<DnsEndpoint> dns)
            throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = dir.resolve("cluster.key");
        Files.writeString(keyFile, HexFormat.of().formatHex(key) + "\n");
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        int[] clusterPorts = {freePort(), freePort(), freePort()};
        List<DemoNode> nodes = new ArrayList<>();
        for (int id = 1; id <= SIZE; id++) {
            int api = freePort();
            DnsEndpoint endpoint = dns == null ? new DnsEndpoint("127.0.0.1", freePort(), "") : dns.apply(id);
            Path config = dir.resolve("node" + id + ".yaml");
            Files.writeString(config, String.format("""
                    cluster:
                      name: %s
                      node: %d
                      members:
                        - {id: 1, address: 127.0.0.1:%d%s}
                        - {id: 2, address: 127.0.0.1:%d%s}
                        - {id: 3, address: 127.0.0.1:%d, witness: true%s}
                      key_file: cluster.key
                      data_dir: data/node%d
                    api:
                      listen: 127.0.0.1:%d
                    dns:
                      listen: [%s:%d]
                      zone: %s
                      ttl: 1s
                    """, clusterName, id, clusterPorts[0], memberKeys.apply(1), clusterPorts[1], memberKeys.apply(2),
                    clusterPorts[2], memberKeys.apply(3), id, api, endpoint.host(), endpoint.port(), zone)
                    + endpoint.moreKeys() + servicesYaml.apply(id));
            nodes.add(new DemoNode(id, api, endpoint.port(), config, dir.resolve("node" + id + ".log")));
        }
        return nodes;
    }

    /**
     * Writes {@code token} to {@code api.token} in {@code dir} (mode 0600) and adds {@code token_file: api.token}
     * to the {@code api:} section of every node's config written there: mutating API calls then need it.
     */
    public static void requireApiToken(Path dir, String token) throws IOException {
        Path file = dir.resolve("api.token");
        Files.writeString(file, token + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        for (int id = 1; id <= SIZE; id++) {
            Path config = dir.resolve("node" + id + ".yaml");
            String yaml = Files.readString(config);
            String withToken = yaml.replaceFirst("(?m)^api:\\n  listen: (.*)$", "api:\n  listen: $1\n  token_file: api.token");
            if (withToken.equals(yaml)) throw new IllegalStateException(config + " has no api.listen to add a token to");
            Files.writeString(config, withToken);
        }
    }

    /** Every port {@link #freePort} handed out in this JVM: it never hands one out twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int PORT_ATTEMPTS = 200;

    /**
     * A port free on loopback right now for TCP and UDP (a DNS port takes both), and never handed out before by
     * this JVM (every config must name every member's ports before any starts, and the kernel may give the same
     * ephemeral port to two successive probes: a node's DNS port once equalled another's cluster port).
     */
    public static int freePort() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
                int candidate = tcp.getLocalPort();
                try (java.net.DatagramSocket udp = new java.net.DatagramSocket(
                        new java.net.InetSocketAddress(loopback, candidate))) {
                    if (HANDED_OUT.add(candidate)) return candidate;
                } catch (IOException udpTaken) {
                    // the UDP side is in use: try another
                }
            }
        }
        throw new IOException("no loopback port free for TCP and UDP, and not handed out before, in " + PORT_ATTEMPTS
                + " attempts");
    }
}
