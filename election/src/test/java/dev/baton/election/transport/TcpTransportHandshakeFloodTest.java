package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A flood of connections that never handshake, on member 1's port: the oldest are evicted, and a member dialing
 * in still gets through. The handshake timeout is long here, so that only eviction (not the timeout) can make room.
 */
class TcpTransportHandshakeFloodTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int FAKE = 0;

    @Test
    void aFloodOfIdleConnectionsDoesNotLockAMemberOut() throws Exception {
        try (LoopbackMesh mesh = new LoopbackMesh(Duration.ofMinutes(2), 1, 2).withAbsentMember(FAKE)) {
            TcpTransport node = mesh.start(1);
            mesh.start(2);
            await().atMost(PATIENCE).until(() -> mesh.settled(1, 2));
            int port = mesh.port(1);
            int flood = TcpTransport.MAX_PENDING_HANDSHAKES + 48;
            List<RawPeer> idle = new ArrayList<>();
            try {
                for (int i = 0; i < flood; i++) idle.add(RawPeer.connect(port)); // connect, then say nothing
                await().atMost(PATIENCE).until(() ->
                        node.stats().dropped(DropReason.HANDSHAKE_EVICTED) == flood - TcpTransport.MAX_PENDING_HANDSHAKES);
                assertThat(idle.get(0).closedByRemote()).as("the oldest idle connection was closed").isTrue();

                // A member dialing in now still completes its handshake: the oldest idle connection makes room.
                FrameCodec codec = new FrameCodec(LoopbackMesh.CLUSTER, LoopbackMesh.KEY, TransportConfig.DEFAULT_MAX_FRAME_BYTES);
                try (RawPeer member = RawPeer.connect(port)) {
                    Session session = member.handshakeAs(FAKE, 1, codec);
                    member.write(codec.encodeData(session, Direction.DIALER_TO_ACCEPTOR, 1,
                            "let in".getBytes(StandardCharsets.UTF_8)));
                    await().atMost(PATIENCE).until(() -> mesh.inbox(1).hasText(FAKE, "let in"));
                }
                assertThat(node.stats().dropped(DropReason.HANDSHAKE_EVICTED))
                        .isEqualTo(flood - TcpTransport.MAX_PENDING_HANDSHAKES + 1L);
                assertThat(node.stats().dropped(DropReason.HANDSHAKE_TIMEOUT)).isZero();
            } finally {
                for (RawPeer peer : idle) peer.close();
            }
            // The real peer was never disturbed.
            assertThat(node.send(2, "still here".getBytes(StandardCharsets.UTF_8))).isTrue();
            await().atMost(PATIENCE).until(() -> mesh.inbox(2).hasText(1, "still here"));
        }
    }
}
