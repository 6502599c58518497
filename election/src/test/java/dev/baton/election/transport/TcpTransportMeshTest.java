package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Real TcpTransports exchanging payloads on loopback. */
class TcpTransportMeshTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> numbered(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    /** Sends each text once; all sends must be accepted because the link is up. */
    private static void sendAll(TcpTransport from, int to, List<String> texts) {
        for (String text : texts) {
            assertThat(from.send(to, utf8(text))).as("send %s", text).isTrue();
        }
    }

    @Test
    void threeNodeMeshDeliversEveryPayloadInOrderBothWays() {
        try (LoopbackMesh mesh = new LoopbackMesh(1, 2, 3)) {
            mesh.start(1);
            mesh.start(2);
            mesh.start(3);
            await().atMost(PATIENCE).until(() -> mesh.settled(1, 2, 3));

            int[] ids = {1, 2, 3};
            for (int from : ids) {
                for (int to : ids) {
                    if (from != to) {
                        sendAll(mesh.node(from), to, numbered(from + "->" + to + "#", 300));
                    }
                }
            }
            for (int to : ids) {
                for (int from : ids) {
                    if (from != to) {
                        List<String> expected = numbered(from + "->" + to + "#", 300);
                        await().atMost(PATIENCE).until(() -> mesh.inbox(to).textsFrom(from).size() >= 300);
                        assertThat(mesh.inbox(to).textsFrom(from)).containsExactlyElementsOf(expected);
                    }
                }
            }
            for (int id : ids) {
                TransportStats stats = mesh.node(id).stats();
                assertThat(stats.framesSent()).isEqualTo(600);
                assertThat(stats.framesReceived()).isEqualTo(600);
                assertThat(stats.dropped()).allSatisfy((reason, count) -> assertThat(
                        reason == DropReason.DUPLICATE_CONNECTION || count == 0).as("%s=%s", reason, count).isTrue());
            }
        }
    }

    @Test
    void higherIdsDialThatLandsFirstIsReplacedByTheLowerIdsDial() {
        try (LoopbackMesh mesh = new LoopbackMesh(1, 2)) {
            // Member 1's listener is bound but nobody accepts yet: member 2's dial waits in the backlog, so
            // both dials are guaranteed to complete once member 1 starts.
            mesh.start(2);
            // The dialer alternates between waiting for the welcome (until the handshake deadline) and its
            // backoff: poll often, so a loaded machine's slow poll thread does not keep missing the wait.
            await().atMost(PATIENCE).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(2))
                    .until(TcpTransportMeshTest::twoIsWaitingForOnesWelcome);
            mesh.start(1);

            await().atMost(PATIENCE).until(() -> mesh.settled(1, 2));
            // Settled can be seen while member 1 is still finishing the handshake of 2's dial: the drop follows.
            // On a loaded machine 2's dial can instead reach its handshake deadline before member 1 starts (CI
            // once): then there was no contest, and what must hold is the single usable connection below.
            await().atMost(PATIENCE).until(() -> mesh.node(1).stats().dropped(DropReason.DUPLICATE_CONNECTION) >= 1
                    || mesh.node(2).stats().dropped(DropReason.HANDSHAKE_TIMEOUT) >= 1);
            assertThat(mesh.node(1).stats().connectionsAccepted()).isGreaterThanOrEqualTo(1);
            assertExactlyOneUsableConnection(mesh);
        }
    }

    @Test
    void simultaneousStartConvergesOnTheLowerIdsDial() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (LoopbackMesh mesh = new LoopbackMesh(1, 2)) {
                TcpTransport one = mesh.create(1);
                TcpTransport two = mesh.create(2);
                CyclicBarrier barrier = new CyclicBarrier(2);
                Thread starter = new Thread(() -> {
                    awaitBarrier(barrier);
                    two.start(mesh.inbox(2));
                });
                starter.start();
                awaitBarrier(barrier);
                one.start(mesh.inbox(1));
                starter.join();

                await().atMost(PATIENCE).until(() -> mesh.settled(1, 2));
                assertExactlyOneUsableConnection(mesh);
            }
        }
    }

    /**
     * Once settled, both members use the same connection: a burst each way arrives complete and in order, and
     * no connection is opened or dropped meanwhile.
     */
    private static void assertExactlyOneUsableConnection(LoopbackMesh mesh) {
        TransportStats before1 = mesh.node(1).stats();
        TransportStats before2 = mesh.node(2).stats();
        List<String> oneToTwo = numbered("a", 500);
        List<String> twoToOne = numbered("b", 500);
        sendAll(mesh.node(1), 2, oneToTwo);
        sendAll(mesh.node(2), 1, twoToOne);
        await().atMost(PATIENCE).until(() -> mesh.inbox(2).textsFrom(1).containsAll(oneToTwo)
                && mesh.inbox(1).textsFrom(2).containsAll(twoToOne));
        assertThat(tail(mesh.inbox(2).textsFrom(1), 500)).containsExactlyElementsOf(oneToTwo);
        assertThat(tail(mesh.inbox(1).textsFrom(2), 500)).containsExactlyElementsOf(twoToOne);
        for (int id : new int[] {1, 2}) {
            TransportStats before = id == 1 ? before1 : before2;
            TransportStats after = mesh.node(id).stats();
            assertThat(after.connectionsDialed() + after.connectionsAccepted())
                    .isEqualTo(before.connectionsDialed() + before.connectionsAccepted());
            assertThat(after.dropped()).isEqualTo(before.dropped());
        }
        assertThat(mesh.node(1).connectionDialerId(2)).hasValue(1);
        assertThat(mesh.node(2).connectionDialerId(1)).hasValue(1);
    }

    private static List<String> tail(List<String> list, int count) {
        return new ArrayList<>(list.subList(Math.max(0, list.size() - count), list.size()));
    }

    private static void awaitBarrier(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void reconnectsAfterEitherSideRestartsOnTheSamePort() {
        try (LoopbackMesh mesh = new LoopbackMesh(1, 2)) {
            mesh.start(1);
            mesh.start(2);
            await().atMost(PATIENCE).until(() -> mesh.settled(1, 2));

            for (int restarted : new int[] {2, 1}) {
                int other = 3 - restarted;
                mesh.stop(restarted);
                await().atMost(PATIENCE).until(() -> !mesh.node(other).isConnected(restarted));
                assertThat(mesh.node(other).send(restarted, utf8("lost"))).isFalse();
                assertThat(mesh.node(other).stats().dropped(DropReason.NOT_CONNECTED)).isPositive();

                mesh.restart(restarted);
                await().atMost(PATIENCE).until(() -> mesh.settled(1, 2));
                String there = "to restarted " + restarted;
                String back = "from restarted " + restarted;
                mesh.node(other).send(restarted, utf8(there));
                mesh.node(restarted).send(other, utf8(back));
                await().atMost(PATIENCE).until(() -> mesh.inbox(restarted).hasText(other, there)
                        && mesh.inbox(other).hasText(restarted, back));
                assertThat(mesh.inbox(restarted).textsFrom(other)).doesNotContain("lost");
            }
        }
    }

    @Test
    void listensOnAnEphemeralPortWhenConfiguredWithPortZero() {
        var members = new java.util.HashMap<Integer, java.net.InetSocketAddress>();
        members.put(1, new java.net.InetSocketAddress(LoopbackMesh.LOOPBACK, 0));
        members.put(2, new java.net.InetSocketAddress(LoopbackMesh.LOOPBACK, 1));
        try (TcpTransport node = new TcpTransport(TransportConfig.of("c", 1, members, LoopbackMesh.KEY))) {
            node.start(new Inbox());
            assertThat(node.localPort()).isPositive();
            assertThat(node.isConnected(2)).isFalse();
        }
    }

    @Test
    void closeIsIdempotentAndStopsTheThreads() {
        try (LoopbackMesh mesh = new LoopbackMesh(1, 2)) {
            mesh.start(1);
            mesh.start(2);
            await().atMost(PATIENCE).until(() -> mesh.settled(1, 2));
            assertThat(threadsOf(1)).contains("baton-transport-1-2-reader", "baton-transport-1-2-writer",
                    "baton-transport-1-2-dialer", "baton-transport-1-acceptor");
            mesh.node(1).close();
            mesh.node(1).close();
            assertThat(mesh.node(1).isConnected(2)).isFalse();
            assertThat(mesh.node(1).send(2, utf8("x"))).isFalse();
            await().atMost(PATIENCE).until(() -> threadsOf(1).isEmpty());
        }
    }

    private static boolean twoIsWaitingForOnesWelcome() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals("baton-transport-2-1-dialer"))
                .flatMap(e -> java.util.Arrays.stream(e.getValue()))
                .anyMatch(frame -> frame.getClassName().equals(Handshake.class.getName())
                        && frame.getMethodName().equals("dial"));
    }

    private static List<String> threadsOf(int id) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("baton-transport-" + id + "-")).toList();
    }
}
