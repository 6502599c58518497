package dev.baton.agent.runtime;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ConfigFixture;
import dev.baton.agent.decision.Decision;
import dev.baton.agent.decision.DecisionCodec;
import dev.baton.election.ElectionConfig;
import dev.baton.election.ElectionNode;
import dev.baton.election.Member;
import dev.baton.election.Timings;
import dev.baton.election.transport.TcpTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-service currentness on a leader whose callback thread is stuck behind its own commits (as under the CPU
 * starvation of a mass failure): the services its unapplied entries decide stop answering once the heartbeat's
 * grace is over, every other service keeps answering. Real election node, real replica, one member.
 */
class ReplicaCurrentnessTest {
    @TempDir
    Path dir;

    private static final long HEARTBEAT_NANOS = Timings.DEFAULTS.heartbeatNanos();

    private static byte[] decide(String service, String instance, long term) {
        return DecisionCodec.encodeBatch(List.of(new Decision(service, instance, term, "test", 0, Map.of())));
    }

    @Test
    void aStuckCallbackThreadHoldsBackOnlyTheServicesItsBacklogDecides() throws Exception {
        BatonConfig config = new ConfigFixture(dir).load(ConfigFixture.loneNode("replica", "ha.example.test.") + """
                services:
                  - name: s1
                    check: {tcp: "{address}:9"}
                    instances: [{name: a, address: 127.0.0.1}, {name: b, address: 127.0.0.2}]
                  - name: s2
                    check: {tcp: "{address}:9"}
                    instances: [{name: a, address: 127.0.0.1}, {name: b, address: 127.0.0.2}]
                  - name: s3
                    check: {tcp: "{address}:9"}
                    instances: [{name: a, address: 127.0.0.1}, {name: b, address: 127.0.0.2}]
                """);
        Replica replica = new Replica(1, new AnswerTables(config), new ViewBook(), () -> System.nanoTime() / 1_000_000,
                10);
        AtomicBoolean stick = new AtomicBoolean();
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        replica.onChange(() -> {
            if (!stick.get()) return;
            stuck.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ElectionConfig election = new ElectionConfig("replica", 1,
                List.of(new Member(1, "127.0.0.1", socket.getLocalPort(), false)), Timings.DEFAULTS);
        try (ElectionNode node = ElectionNode.builder(election)
                .dataDirectory(dir.resolve("data"))
                .transport(new TcpTransport(ElectionNode.transportConfig(election, ConfigFixture.keyBytes()), socket))
                .listener(replica)
                .inspector(replica::inspect)
                .start()) {
            replica.attach(node);
            await().atMost(Duration.ofSeconds(10)).until(() -> node.isLeader() && node.isCurrent(HEARTBEAT_NANOS * 10));
            long term = node.status().term();
            node.append(decide("s1", "a", term)).get(10, TimeUnit.SECONDS);

            stick.set(true);
            node.append(decide("s1", "b", term)); // its apply gets stuck after the table swap
            assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
            long behind = node.highestKnownCommit() + 1;
            node.append(decide("s2", "b", term)); // committed, but not applied while the thread is stuck
            await().atMost(Duration.ofSeconds(10)).until(() -> node.highestKnownCommit() >= behind);
            // Once the heartbeat's grace is over, the node as a whole is behind.
            long within = HEARTBEAT_NANOS * 10;
            await().atMost(Duration.ofSeconds(10)).until(() -> !node.isCurrent(within));

            assertThat(replica.isCurrent("s2", within)).as("s2's new decision is committed, not applied").isFalse();
            assertThat(replica.isCurrent("s1", within)).as("s1's last decision is applied").isTrue();
            assertThat(replica.isCurrent("s3", within)).as("nothing unapplied touches s3").isTrue();
            assertThat(replica.view().decisions().get("s1").activeInstance()).contains("b");

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.isCurrent("s2", within));
            assertThat(replica.view().decisions().get("s2").activeInstance()).contains("b");
        } finally {
            release.countDown();
        }
    }
}
