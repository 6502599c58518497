package dev.baton.agent.bench;

import dev.baton.agent.e2e.NamespacedAgents;
import dev.baton.agent.publish.vip.NetNsLab;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
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
    /** Member i's host, from 1. */
    private static final List<String> HOSTS = List.of("n3", "n1", "n2");
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private NetNsLab lab;
    private InetAddress vip;
    private NamespacedAgents agents;

    @Override
    public String name() {
        return "agent";
    }

    @Override
    public void start(NetNsLab lab, InetAddress vip, Path dir) throws Exception {
        this.lab = lab;
        this.vip = vip;
        this.agents = new NamespacedAgents(lab, dir);
        String services = """
                services:
                  - name: web
                    failback: manual
                    check: {tcp: "{address}:%d", interval: 100ms, timeout: 100ms, rise: 2, fall: 2}
                    instances:
                      - {name: a, address: %s, priority: 1, member: 2}
                      - {name: b, address: %s, priority: 2, member: 3}
                    publish:
                      - vip: {address: %s/%d, interface: %s}
                """.formatted(VipFailoverBench.PORT, ip("n1"), ip("n2"), vip.getHostAddress(), NetNsLab.PREFIX_V4,
                NetNsLab.INTERFACE);
        for (Map.Entry<String, Integer> member : MEMBER.entrySet()) {
            agents.writeConfig(member.getKey(), "vip-bench", member.getValue(), HOSTS, 3, services);
            processes.put(member.getKey(), agents.start(member.getKey()));
        }
        VipFailoverBench.waitFor(Duration.ofSeconds(60), () -> holders() == 1, "one agent holding the VIP");
    }

    private String ip(String node) {
        return lab.ipv4(node).getHostAddress();
    }

    private int holders() {
        int n = 0;
        for (String node : List.of("n1", "n2")) {
            try {
                if (agents.holds(node, vip.getHostAddress())) n++;
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
        Process p = processes.remove(holder);
        if (p != null) p.destroyForcibly();
    }

    @Override
    public void rejoin(String node) throws Exception {
        processes.put(node, agents.start(node));
        // Back, current, and (failback manual) not holding the VIP: its own checks see both instances up.
        VipFailoverBench.waitFor(Duration.ofSeconds(60), () -> {
            try {
                return agents.status(node).map(s -> s.path("current").asBoolean()
                        && s.path("services").get(0).path("local_checks").path("a").asText().equals("up")
                        && s.path("services").get(0).path("local_checks").path("b").asText().equals("up")).orElse(false);
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
        processes.values().forEach(Process::destroyForcibly);
    }
}
