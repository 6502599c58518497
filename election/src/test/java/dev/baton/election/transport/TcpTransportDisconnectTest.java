package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link TcpTransport#disconnect}: the caller drops a link it believes silently dead; it comes back by itself. */
class TcpTransportDisconnectTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void aDisconnectedLinkIsRedialedAndCarriesPayloadsAgain() {
        try (LoopbackMesh mesh = new LoopbackMesh(Duration.ofSeconds(1), 1, 2)) {
            TcpTransport one = mesh.start(1);
            mesh.start(2);
            await().atMost(PATIENCE).until(() -> mesh.settled(1, 2));
            long dialedBefore = one.stats().connectionsDialed();

            one.disconnect(2);

            await().atMost(PATIENCE).until(() -> one.stats().connectionsDialed() > dialedBefore && mesh.settled(1, 2));
            assertThat(one.send(2, "after".getBytes(StandardCharsets.UTF_8))).isTrue();
            await().atMost(PATIENCE).until(() -> mesh.inbox(2).hasText(1, "after"));
            one.disconnect(3); // not a member: nothing to do, nothing thrown
        }
    }
}
