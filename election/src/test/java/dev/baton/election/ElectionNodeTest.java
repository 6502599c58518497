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

    @Test
    void aMemberWithAnotherFollowerTimeoutCannotTalkToTheCluster() throws Exception {
        // Its promises would last 1.5 s where the leader's lease assumes 1 s, or the other way round: either way
        // the lease would be unsafe, so the transport keeps it out (the timings are part of every MAC).
        Timings other = new Timings(Timings.DEFAULT_TICK_MILLIS, Timings.DEFAULT_HEARTBEAT_MILLIS, 1500,
                Timings.DEFAULT_DRIFT_MARGIN, Timings.DEFAULT_CANDIDATE_RETRY_MILLIS, Timings.DEFAULT_HOLD_DOWN_MILLIS);
        try (LocalCluster c = new LocalCluster(3, dir, Timings.DEFAULTS)) {
            for (int id = 1; id <= 3; id++) c.start(id); // a new cluster's first election needs every member
            await().atMost(Duration.ofSeconds(15)).until(() -> c.nodes.get(1).isLeader());
            c.stop(3);
            ElectionNode odd = c.start(3, other); // same data, another follower timeout
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    c.nodes.get(1).transportStats().dropped(dev.baton.election.transport.DropReason.BAD_MAC)
                            + c.nodes.get(2).transportStats().dropped(dev.baton.election.transport.DropReason.BAD_MAC)
                            + odd.transportStats().dropped(dev.baton.election.transport.DropReason.BAD_MAC) > 0);
            Thread.sleep(1000); // time enough to have connected, had it been allowed to
            assertThat(odd.status().leaderId()).as("node 3 never hears of a leader").isZero();
            assertThat(odd.status().peers()).noneMatch(PeerStatus::reachable);
            assertThat(c.nodes.get(1).status().peers().stream().filter(p -> p.id() == 3))
                    .allSatisfy(p -> assertThat(p.reachable()).isFalse());
            assertThat(c.leader().append("still commits".getBytes()).join()).isPositive();
        }
    }
}
