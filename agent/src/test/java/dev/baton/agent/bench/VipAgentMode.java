package dev.baton.agent.bench;

import dev.baton.agent.publish.vip.NetNsLab;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole Baton failover for {@link VipFailoverBench}: three real agents, member 1 on n3 (it leads, hosting no
 * instance), member 2 on n1 and member 3 (a witness) on n2; instance a on n1 (member 2) and b on n2 (member 3),
 * each checked with a TCP connect to its {@code NodeNameServer} every 100 ms, fall 2, {@code failback: manual}
 * (so the VIP stays where the last failover put it, as keepalived's {@code nopreempt}). The VIP is the service's
 * {@code vip} publisher. Killing the holder (its link down and its agent SIGKILLed) is an instance failure seen
 * by a majority of the survivors; the leader lives on n3, so no election is in the figure (a holder that also
 * leads adds one: see docs/BENCHMARKS.md).
 */
final class VipAgentMode implements VipFailoverBench.Mode {
    /** Member id per namespace. */
    private static final Map<String, Integer> MEMBER = Map.of("n3", 1, "n1", 2, "n2", 3);
    private final Map<String, Process> agents = new LinkedHashMap<>();
    private NetNsLab lab;
    private InetAddress vip;
    private Path dir;

    @Override
    public String name() {
        return "agent";
    }

    @Override
    public void start(NetNsLab lab, InetAddress vip, Path dir) throws Exception {
        this.lab = lab;
        this.vip = vip;
        this.dir = dir;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = dir.resolve("cluster.key");
        Files.writeString(keyFile, HexFormat.of().formatHex(key) + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        for (String node : MEMBER.keySet()) {
            Files.writeString(dir.resolve(node + ".yaml"), yaml(node));
            startAgent(node);
        }
        VipFailoverBench.waitFor(Duration.ofSeconds(60), () -> holders() == 1, "one agent holding the VIP");
    }

    private String yaml(String node) {
        return """
                cluster:
                  name: vip-bench
                  node: %d
                  members:
                    - {id: 1, address: "%s:7401"}
                    - {id: 2, address: "%s:7401"}
                    - {id: 3, address: "%s:7401", witness: true}
                  key_file: cluster.key
                  data_dir: data-%s
                api:
                  listen: 127.0.0.1:7480
                dns:
                  listen: [127.0.0.1:5300]
                  zone: vip.baton.test.
                services:
                  - name: web
                    failback: manual
                    check: {tcp: "{address}:%d", interval: 100ms, timeout: 100ms, rise: 2, fall: 2}
                    instances:
                      - {name: a, address: %s, priority: 1, member: 2}
                      - {name: b, address: %s, priority: 2, member: 3}
                    publish:
                      - vip: {address: %s/%d, interface: %s}
                """.formatted(MEMBER.get(node), ip("n3"), ip("n1"), ip("n2"), node, VipFailoverBench.PORT, ip("n1"),
                ip("n2"), vip.getHostAddress(), NetNsLab.PREFIX_V4, NetNsLab.INTERFACE);
    }

    private String ip(String node) {
        return lab.ipv4(node).getHostAddress();
    }

    private void startAgent(String node) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        agents.put(node, lab.startProcess(node, List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dev.baton.agent.cli.BatonCli", "agent", "--config",
                dir.resolve(node + ".yaml").toString()), dir.resolve(node + ".log")));
    }

    private int holders() {
        int n = 0;
        for (String node : List.of("n1", "n2")) {
            try {
                if (lab.execOk(node, "ip", "-o", "addr", "show", "dev", NetNsLab.INTERFACE)
                        .contains(" " + vip.getHostAddress() + "/")) n++;
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return n;
    }

    @Override
    public void afterKill(String holder, String survivor) {
        Process p = agents.remove(holder);
        if (p != null) p.destroyForcibly();
    }

    @Override
    public void rejoin(String node) throws Exception {
        startAgent(node);
        // Back, current, and (failback manual) not holding the VIP: a quorum of checks sees its instance up.
        VipFailoverBench.waitFor(Duration.ofSeconds(60), () -> {
            try {
                String status = lab.execOk(node, "curl", "-s", "--max-time", "1", "http://127.0.0.1:7480/v1/status");
                return status.contains("\"current\" : true") && status.contains("\"a\" : \"up\"")
                        && status.contains("\"b\" : \"up\"");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, node + "'s agent current and seeing both instances up");
    }

    @Override
    public void close() {
        agents.values().forEach(Process::destroyForcibly);
    }
}
