package dev.baton.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.agent.publish.vip.NetNsLab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Real agent processes, each in a host of a {@link NetNsLab}: a fresh cluster key, one config per member (the
 * cluster on port 7401 of each host's lab address; API and DNS on the host's own loopback), the agents started
 * by {@code ip netns exec}, and their status read with curl inside the host. Logs go to {@code <host>.log}.
 */
public final class NamespacedAgents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NetNsLab lab;
    private final Path dir;

    public NamespacedAgents(NetNsLab lab, Path dir) throws IOException {
        this.lab = lab;
        this.dir = dir;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = dir.resolve("cluster.key");
        Files.writeString(keyFile, HexFormat.of().formatHex(key) + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    }

    /**
     * Writes {@code <host>.yaml}: member i (from 1) on {@code memberHosts[i-1]}, member {@code witness} a witness
     * (0 for none), this host's member id {@code node}, then {@code services} (the YAML from {@code services:} on).
     */
    public Path writeConfig(String host, String clusterName, int node, List<String> memberHosts, int witness,
                            String services) throws IOException {
        List<String> addresses = memberHosts.stream().map(h -> lab.ipv4(h).getHostAddress() + ":7401").toList();
        return writeConfig(host, clusterName, node, addresses, witness, "127.0.0.1:5300", services);
    }

    /**
     * Writes {@code <host>.yaml} as {@link #writeConfig(String, String, int, List, int, String)}, with member i's
     * address {@code memberAddresses[i-1]} as this host dials it (a relay's, say) and DNS on {@code dnsListen}.
     */
    public Path writeConfig(String host, String clusterName, int node, List<String> memberAddresses, int witness,
                            String dnsListen, String services) throws IOException {
        StringBuilder members = new StringBuilder();
        for (int i = 1; i <= memberAddresses.size(); i++) {
            members.append("    - {id: ").append(i).append(", address: \"").append(memberAddresses.get(i - 1))
                    .append("\"").append(i == witness ? ", witness: true" : "").append("}\n");
        }
        Path config = dir.resolve(host + ".yaml");
        Files.writeString(config, """
                cluster:
                  name: %s
                  node: %d
                  members:
                %s  key_file: cluster.key
                  data_dir: data-%s
                api:
                  listen: 127.0.0.1:7480
                dns:
                  listen: [%s]
                  zone: %s.baton.test.
                """.formatted(clusterName, node, members, host, dnsListen, clusterName) + services);
        return config;
    }

    /** Starts the agent of {@code host} with its config; output to {@code <host>.log}. */
    public Process start(String host) throws IOException {
        return start(host, System.getProperty("java.class.path"));
    }

    /** Starts the agent of {@code host} from {@code classPath} (another build's jar, for a side-by-side bench). */
    public Process start(String host, String classPath) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(dev.baton.agent.demo.JvmOptions.agent());
        command.addAll(List.of("-cp", classPath, "dev.baton.agent.cli.BatonCli", "agent",
                "--config", dir.resolve(host + ".yaml").toString()));
        return lab.startProcess(host, command, log(host));
    }

    public Path log(String host) {
        return dir.resolve(host + ".log");
    }

    /** The agent's status document, read inside its host; empty when it does not answer. */
    public Optional<JsonNode> status(String host) throws IOException, InterruptedException {
        NetNsLab.ExecResult r = lab.exec(host, "curl", "-s", "--max-time", "2", "http://127.0.0.1:7480/v1/status");
        if (r.exitCode() != 0 || r.stdout().isBlank()) return Optional.empty();
        return Optional.of(JSON.readTree(r.stdout()));
    }

    /** Whether {@code host}'s interface holds {@code address}. */
    public boolean holds(String host, String address) throws IOException, InterruptedException {
        return lab.execOk(host, "ip", "-o", "addr", "show", "dev", NetNsLab.INTERFACE).contains(" " + address + "/");
    }
}
