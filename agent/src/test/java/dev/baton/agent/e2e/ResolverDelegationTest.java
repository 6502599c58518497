package dev.baton.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.agent.demo.DnsProbe;
import dev.baton.agent.demo.LoopbackClusterFiles.DnsEndpoint;
import dev.baton.agent.publish.rfc2136.KnotServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The zone as real resolvers meet it: a parent zone in Knot DNS delegates {@code e2e.baton.test.} to three real
 * agents (ns1..ns3 with glue 127.0.0.11..13, each agent's DNS on port 53 of its own loopback address), and
 * Unbound resolves through the parent as any recursive resolver would. The child's own NS set must match the
 * delegation and its name servers must resolve; the service must follow a failover through Unbound within the
 * TTL plus the failover bound; and a frozen or killed node must cost the client nothing (no SERVFAIL).
 */
class ResolverDelegationTest {
    private static final String PARENT = "baton.test.";
    private static final String SERVICE = "db." + AgentCluster.ZONE;
    private static final String[] NODE_ADDRESSES = {"127.0.0.11", "127.0.0.12", "127.0.0.13"};
    private static final int CHECK_INTERVAL_MILLIS = 200;
    private static final int FALL = 2;
    private static final Duration TTL = Duration.ofSeconds(1);
    /** interval × fall + timeout + 1 s (the design's bound), plus 2 s for a machine shared with other builds. */
    private static final Duration FAILOVER_BOUND = Duration.ofMillis(CHECK_INTERVAL_MILLIS * (FALL + 1) + 3000);
    private static final int QUERIES_PER_FAULT = 40;

    @TempDir
    Path dir;

    private AgentCluster cluster;
    private KnotServer parent;
    private UnboundResolver unbound;

    @AfterEach
    void stopAll() throws Exception {
        if (unbound != null) unbound.close();
        if (parent != null) parent.close();
        if (cluster != null) {
            for (int id = 1; id <= AgentCluster.SIZE; id++) {
                try {
                    cluster.signal(id, "CONT");
                } catch (IllegalStateException | java.io.IOException e) {
                    // not running any more
                }
            }
            cluster.closeKeepingLogs(getClass());
        }
    }

    private static String services(int node, int port, Path dir) {
        return "services:\n  - name: db\n    check: {http: \"http://{address}:" + port + "/health\", interval: "
                + CHECK_INTERVAL_MILLIS + "ms, timeout: 200ms, rise: 2, fall: " + FALL + "}\n"
                + "    instances:\n"
                + "      - {name: a, address: " + AgentCluster.PRIMARY + ", priority: 1}\n"
                + "      - {name: b, address: " + AgentCluster.BACKUP + ", priority: 2}\n";
    }

    private static DnsEndpoint dns(int id) {
        StringBuilder ns = new StringBuilder("  nameservers:\n");
        for (int i = 1; i <= NODE_ADDRESSES.length; i++) {
            ns.append("    - {name: ns").append(i).append('.').append(AgentCluster.ZONE).append(", address: ")
                    .append(NODE_ADDRESSES[i - 1]).append("}\n");
        }
        return new DnsEndpoint(NODE_ADDRESSES[id - 1], 53, ns.toString());
    }

    private static String delegation() {
        StringBuilder zone = new StringBuilder();
        String child = AgentCluster.ZONE;
        for (int i = 1; i <= NODE_ADDRESSES.length; i++) {
            zone.append(child).append(" 60 IN NS ns").append(i).append('.').append(child).append('\n');
            zone.append("ns").append(i).append('.').append(child).append(" 60 IN A ").append(NODE_ADDRESSES[i - 1])
                    .append('\n');
        }
        return zone.toString();
    }

    private DnsProbe viaUnbound(String name) throws Exception {
        return new DnsProbe(unbound.address(), name, Duration.ofSeconds(5));
    }

    /** Asks {@code QUERIES_PER_FAULT} times through Unbound, 100 ms apart; the answers counted. */
    private Map<String, Integer> poll() throws Exception {
        DnsProbe probe = viaUnbound(SERVICE);
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < QUERIES_PER_FAULT; i++) {
            answers.merge(probe.ask(), 1, Integer::sum);
            Thread.sleep(100); // pacing queries to real processes
        }
        return answers;
    }

    private static List<String> ask(InetSocketAddress server, String name, int type) throws Exception {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(Duration.ofSeconds(5));
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        query.getHeader().unsetFlag(Flags.RD);
        List<String> out = new ArrayList<>();
        for (Record r : resolver.send(query).getSection(Section.ANSWER)) {
            if (r.getType() == type) out.add(r.rdataToString());
        }
        return out;
    }

    @Test
    void unboundFollowsTheDelegationAFailoverAndRidesOutAFrozenAndAKilledNode() throws Exception {
        cluster = AgentCluster.write(dir, ResolverDelegationTest::services, id -> "", ResolverDelegationTest::dns);
        cluster.primary().start();
        cluster.backup().start();
        cluster.startAll();
        parent = KnotServer.startWithRecords(PARENT, delegation());
        unbound = UnboundResolver.start(PARENT, new InetSocketAddress("127.0.0.1", parent.port()));

        await("the service through Unbound").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> viaUnbound(SERVICE).ask(), AgentCluster.PRIMARY::equals);

        // The child's authoritative NS set is the delegation, and each name server's name resolves.
        for (int id = 1; id <= NODE_ADDRESSES.length; id++) {
            InetSocketAddress node = new InetSocketAddress(NODE_ADDRESSES[id - 1], 53);
            assertThat(ask(node, AgentCluster.ZONE, Type.NS)).as("NS set answered by node " + id)
                    .containsExactly("ns1." + AgentCluster.ZONE, "ns2." + AgentCluster.ZONE, "ns3." + AgentCluster.ZONE);
        }
        for (int id = 1; id <= NODE_ADDRESSES.length; id++) {
            assertThat(viaUnbound("ns" + id + "." + AgentCluster.ZONE).ask()).as("ns" + id + " through Unbound")
                    .isEqualTo(NODE_ADDRESSES[id - 1]);
        }

        // A failover reaches the client through the resolver's cache within the TTL plus the failover bound.
        cluster.primary().stop();
        await("failover through Unbound").atMost(TTL.plus(FAILOVER_BOUND)).pollInterval(Duration.ofMillis(50))
                .until(() -> viaUnbound(SERVICE).ask(), AgentCluster.BACKUP::equals);

        // One node frozen: every answer still resolves.
        cluster.signal(3, "STOP");
        Map<String, Integer> frozen = poll();
        cluster.signal(3, "CONT");
        assertThat(frozen).as("answers through Unbound while node 3 is frozen\n" + unbound.log())
                .containsOnlyKeys(AgentCluster.BACKUP);

        await("node 3 current again").atMost(Duration.ofSeconds(30))
                .until(() -> cluster.status(3).map(s -> s.path("current").asBoolean()).orElse(false));
        cluster.node(2).kill();
        Map<String, Integer> killed = poll();
        assertThat(killed).as("answers through Unbound with node 2 killed\n" + unbound.log())
                .containsOnlyKeys(AgentCluster.BACKUP);
    }
}
