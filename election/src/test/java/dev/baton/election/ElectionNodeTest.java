package dev.baton.election;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Real sockets and files, one JVM: election, replication, messages and graceful hand-over of ElectionNode. */
class ElectionNodeTest {
    @TempDir
    Path dir;

    @Test
    void electsTheLowestIdReplicatesAndHandsOverOnClose() {
        try (LocalCluster c = new LocalCluster(3, dir, Timings.DEFAULTS)) {
            for (int id = 1; id <= 3; id++) c.start(id);
            // The lowest id leads: at once, or after the hold-down if node 2 won a race at start.
            await().atMost(Duration.ofSeconds(15)).until(() -> c.nodes.get(1).isLeader());
            ElectionNode leader = c.leader();
            assertThat(leader.leadingTerm()).isPositive();

            List<CompletableFuture<Long>> acks = new ArrayList<>();
            for (int i = 0; i < 100; i++) acks.add(leader.append(("v" + i).getBytes()));
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            long last = acks.get(99).join();
            for (int id = 1; id <= 3; id++) {
                int node = id;
                await().atMost(Duration.ofSeconds(5)).until(() -> c.commits(node).size() == 100);
                assertThat(c.commits(node).get(99)).isEqualTo("commit " + last + " v99");
            }

            assertThatThrownBy(() -> c.nodes.get(2).append("x".getBytes()).join())
                    .hasCauseInstanceOf(NotLeaderException.class);

            c.nodes.get(2).send(1, "hello".getBytes());
            await().atMost(Duration.ofSeconds(5)).until(() -> c.events.get(1).contains("message 2 hello"));

            long term = leader.leadingTerm();
            c.stop(1); // releases its followers: node 2 need not wait for the lease
            await().atMost(Duration.ofSeconds(5)).until(() -> c.leader() != null);
            assertThat(c.leader().config().selfId()).isEqualTo(2);
            assertThat(c.leader().append("after".getBytes()).join()).isGreaterThan(last);
            assertThat(c.events.get(1)).contains("lost " + term);
        }
    }
}
