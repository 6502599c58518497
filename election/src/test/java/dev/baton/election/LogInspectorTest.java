package dev.baton.election;

import dev.baton.election.transport.TcpTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link LogInspector} sees each entry on the protocol thread, so {@link ElectionNode#appendedThrough} covers a
 * leader's own entries while its callback thread is stuck: what lets an application that serves reads per item
 * stay current for everything its callback backlog does not touch (the agent's per-service DNS currentness).
 */
class LogInspectorTest {
    @TempDir
    Path dir;

    /** An entry whose commit blocks the callback thread until released. */
    private static final class StuckCallbacks implements ElectionListener {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void onCommit(long index, long term, byte[] data) {
            try {
                if (!new String(data).equals("stick")) return;
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ElectionNode loneNode(Path data, ElectionListener listener, LogInspector inspector) throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ElectionConfig config = new ElectionConfig("test", 1,
                List.of(new Member(1, "127.0.0.1", socket.getLocalPort(), false)), Timings.DEFAULTS);
        ElectionNode.Builder b = ElectionNode.builder(config)
                .dataDirectory(data)
                .transport(new TcpTransport(ElectionNode.transportConfig(config, LocalCluster.KEY), socket))
                .listener(listener);
        if (inspector != null) b.inspector(inspector);
        ElectionNode node = b.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.isLeader() && node.highestKnownCommit() > 0);
        return node;
    }

    @Test
    void inspectedEntriesCountAsSeenWhileTheCallbackThreadIsStuck() throws Exception {
        StuckCallbacks listener = new StuckCallbacks();
        List<String> inspected = new CopyOnWriteArrayList<>();
        try (ElectionNode node = loneNode(dir.resolve("n1"), listener, (index, term, data) ->
                inspected.add(index + " " + new String(data) + " " + Thread.currentThread().getName()))) {
            // The futures complete on the callback thread, which stays inside the commit callback of "stick".
            long stuck = node.highestKnownCommit() + 1;
            long next = stuck + 1;
            node.append("stick".getBytes());
            assertThat(listener.entered.await(10, TimeUnit.SECONDS)).isTrue();
            node.append("next".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> node.highestKnownCommit() >= next);

            assertThat(node.appendedThrough()).isGreaterThanOrEqualTo(next);
            assertThat(inspected).contains(stuck + " stick baton-election-1-protocol",
                    next + " next baton-election-1-protocol");
            listener.release.countDown();
        }
    }

    @Test
    void withoutAnInspectorAppendedThroughWaitsForTheCallbackThread() throws Exception {
        StuckCallbacks listener = new StuckCallbacks();
        try (ElectionNode node = loneNode(dir.resolve("n1"), listener, null)) {
            long stuck = node.highestKnownCommit() + 1;
            node.append("stick".getBytes());
            assertThat(listener.entered.await(10, TimeUnit.SECONDS)).isTrue();
            node.append("next".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> node.highestKnownCommit() > stuck);

            assertThat(node.appendedThrough()).isLessThan(node.highestKnownCommit());
            listener.release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.appendedThrough() >= node.highestKnownCommit());
        }
    }

    @Test
    void anInspectorThatThrowsLeavesTheEntryUnseenUntilItIsDelivered() throws Exception {
        StuckCallbacks listener = new StuckCallbacks();
        try (ElectionNode node = loneNode(dir.resolve("n1"), listener, (index, term, data) -> {
            if (new String(data).equals("bad")) throw new IllegalStateException("cannot read it");
        })) {
            long stuck = node.highestKnownCommit() + 1;
            node.append("stick".getBytes());
            assertThat(listener.entered.await(10, TimeUnit.SECONDS)).isTrue();
            node.append("bad".getBytes());
            node.append("after".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> node.highestKnownCommit() >= stuck + 2);

            assertThat(node.appendedThrough()).isEqualTo(stuck);
            listener.release.countDown();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(node.appendedThrough()).isGreaterThanOrEqualTo(stuck + 2));
        }
    }
}
