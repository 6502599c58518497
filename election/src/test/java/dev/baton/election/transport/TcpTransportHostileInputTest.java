package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input on member 1's listening port, each from a raw socket. Each must be dropped, counted under exactly
 * its reason, and close only the offending connection: member 1 keeps exchanging payloads with 2 and 3.
 * Member 0 is configured but not running; the test plays it (it holds the key) when it needs a legitimate peer.
 */
class TcpTransportHostileInputTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final int FAKE = 0;

    private LoopbackMesh mesh;
    private TcpTransport node;
    private int port;
    private int exchanges;

    @BeforeEach
    void startMesh() {
        mesh = new LoopbackMesh(Duration.ofSeconds(1), 1, 2, 3).withAbsentMember(FAKE);
        node = mesh.start(1);
        mesh.start(2);
        mesh.start(3);
        port = mesh.port(1);
        await().atMost(PATIENCE).until(() -> mesh.settled(1, 2, 3));
    }

    @AfterEach
    void stopMesh() {
        mesh.close();
    }

    private static FrameCodec codec(String cluster, byte[] key) {
        return new FrameCodec(cluster, key, TransportConfig.DEFAULT_MAX_FRAME_BYTES);
    }

    private static FrameCodec legitimateCodec() {
        return codec(LoopbackMesh.CLUSTER, LoopbackMesh.KEY);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hello(FrameCodec codec, int senderId) {
        return codec.encodeHello(new Frame.Hello(senderId, new byte[FrameCodec.NONCE_BYTES]));
    }

    @FunctionalInterface
    interface Attack {
        void run(RawPeer peer) throws Exception;
    }

    /**
     * Runs {@code attack} on a fresh raw connection, then checks that member 1 closed it, counted exactly one
     * drop under {@code expected} and nothing else, and still exchanges payloads with its real peers.
     */
    private void expectDropped(DropReason expected, Attack attack) throws Exception {
        Map<DropReason, Long> before = new EnumMap<>(node.stats().dropped());
        try (RawPeer peer = RawPeer.connect(port)) {
            attack.run(peer);
            await().atMost(PATIENCE).until(() -> node.stats().dropped(expected) > before.get(expected));
            assertThat(peer.closedByRemote()).as("member 1 closed the offending connection").isTrue();
        }
        Map<DropReason, Long> after = new EnumMap<>(node.stats().dropped());
        before.merge(expected, 1L, Long::sum);
        assertThat(after).as("drops after %s", expected).isEqualTo(before);
        assertStillExchangesWithRealPeers();
    }

    private void assertStillExchangesWithRealPeers() {
        String tag = "still alive " + (++exchanges);
        for (int peer : new int[] {2, 3}) {
            assertThat(node.send(peer, utf8(tag))).isTrue();
            assertThat(mesh.node(peer).send(1, utf8(tag))).isTrue();
        }
        await().atMost(PATIENCE).until(() -> mesh.inbox(2).hasText(1, tag) && mesh.inbox(3).hasText(1, tag)
                && mesh.inbox(1).hasText(2, tag) && mesh.inbox(1).hasText(3, tag));
        assertThat(mesh.settled(1, 2, 3)).isTrue();
    }

    @Test
    void randomBytes() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            byte[] junk = new byte[64];
            new Random(seed).nextBytes(junk);
            if (seed % 2 == 0) {
                junk[0] = 0; // a small, in-range length prefix, so the body gets parsed too
                junk[1] = 0;
                junk[2] = 0;
            }
            expectDropped(expectedReasonForJunk(junk), peer -> {
                peer.write(junk);
                peer.endOutput();
            });
        }
    }

    /** What a hello-expecting reader must conclude from these bytes. */
    private static DropReason expectedReasonForJunk(byte[] junk) {
        int prefix = ByteBuffer.wrap(junk).getInt();
        if (prefix < 0 || prefix > FrameCodec.HANDSHAKE_BODY_BYTES) {
            return DropReason.OVERSIZED;
        }
        boolean helloShaped = prefix == FrameCodec.HANDSHAKE_BODY_BYTES && junk[4] == FrameCodec.HELLO;
        return helloShaped ? DropReason.BAD_MAC : DropReason.MALFORMED;
    }

    @Test
    void truncatedHello() throws Exception {
        byte[] hello = hello(legitimateCodec(), 2);
        expectDropped(DropReason.MALFORMED, peer -> {
            peer.write(Arrays.copyOf(hello, hello.length - 10));
            peer.endOutput();
        });
    }

    @Test
    void helloShorterThanItsLayout() throws Exception {
        expectDropped(DropReason.MALFORMED, peer -> {
            peer.writeInt(5);
            peer.write(new byte[] {FrameCodec.HELLO, 0, 0, 0, 2});
        });
    }

    @Test
    void twoGibLengthPrefixIsRefusedWithoutAllocating() throws Exception {
        expectDropped(DropReason.OVERSIZED, peer -> peer.writeInt(Integer.MAX_VALUE));
        expectDropped(DropReason.OVERSIZED, peer -> peer.writeInt(0x80000000));
    }

    @Test
    void twoGibLengthPrefixAfterTheHandshake() throws Exception {
        expectDropped(DropReason.OVERSIZED, peer -> {
            peer.handshakeAs(FAKE, 1, legitimateCodec());
            peer.writeInt(Integer.MAX_VALUE);
        });
    }

    @Test
    void helloWithAWrongKey() throws Exception {
        byte[] otherKey = utf8("some-other-key-of-enough-bytes");
        expectDropped(DropReason.BAD_MAC, peer -> peer.write(hello(codec(LoopbackMesh.CLUSTER, otherKey), 2)));
    }

    @Test
    void aFloodOfBadHandshakesFromOneAddressLogsOneWarningLine() throws Exception {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(TcpTransport.class.getName());
        java.util.List<String> warnings = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try {
            byte[] otherKey = utf8("some-other-key-of-enough-bytes");
            int attempts = 50;
            long before = node.stats().dropped(DropReason.BAD_MAC);
            for (int i = 0; i < attempts; i++) {
                try (RawPeer peer = RawPeer.connect(port)) {
                    peer.write(hello(codec(LoopbackMesh.CLUSTER, otherKey), 2));
                    assertThat(peer.closedByRemote()).isTrue();
                }
            }
            await().atMost(PATIENCE).until(() -> node.stats().dropped(DropReason.BAD_MAC) - before == attempts);
            assertThat(warnings.stream().filter(w -> w.contains("handshake with")).toList())
                    .as("every failure counted, one line logged").hasSize(1);
        } finally {
            jul.removeHandler(capture);
        }
    }

    @Test
    void helloForAnotherClusterName() throws Exception {
        expectDropped(DropReason.BAD_MAC, peer -> peer.write(hello(codec("other-cluster", LoopbackMesh.KEY), 2)));
    }

    @Test
    void helloFromAnUnknownIdOrFromTheNodesOwnId() throws Exception {
        expectDropped(DropReason.UNKNOWN_SENDER, peer -> peer.write(hello(legitimateCodec(), 99)));
        expectDropped(DropReason.UNKNOWN_SENDER, peer -> peer.write(hello(legitimateCodec(), 1)));
    }

    @Test
    void silentConnectionTimesOutInTheHandshake() throws Exception {
        expectDropped(DropReason.HANDSHAKE_TIMEOUT, peer -> {
        });
    }

    @Test
    void replayedDataFrame() throws Exception {
        FrameCodec codec = legitimateCodec();
        byte[][] captured = new byte[1][];
        expectDropped(DropReason.REPLAY, peer -> {
            Session session = peer.handshakeAs(FAKE, 1, codec);
            captured[0] = codec.encodeData(session, Direction.DIALER_TO_ACCEPTOR, 1, utf8("genuine"));
            peer.write(captured[0]);
            await().atMost(PATIENCE).until(() -> mesh.inbox(1).hasText(FAKE, "genuine"));
            peer.write(captured[0]);
        });
        // The same bytes on a new connection: fresh nonces, so the MAC no longer verifies.
        expectDropped(DropReason.BAD_MAC, peer -> {
            peer.handshakeAs(FAKE, 1, codec);
            peer.write(captured[0]);
        });
        assertThat(mesh.inbox(1).textsFrom(FAKE)).containsExactly("genuine");
    }

    @Test
    void tamperedDataFrame() throws Exception {
        FrameCodec codec = legitimateCodec();
        expectDropped(DropReason.BAD_MAC, peer -> {
            Session session = peer.handshakeAs(FAKE, 1, codec);
            byte[] frame = codec.encodeData(session, Direction.DIALER_TO_ACCEPTOR, 1, utf8("pay me 10"));
            frame[frame.length - FrameCodec.MAC_BYTES - 1] ^= 1;
            peer.write(frame);
        });
        assertThat(mesh.inbox(1).textsFrom(FAKE)).isEmpty();
    }

    @Test
    void truncatedDataFrame() throws Exception {
        FrameCodec codec = legitimateCodec();
        expectDropped(DropReason.MALFORMED, peer -> {
            Session session = peer.handshakeAs(FAKE, 1, codec);
            byte[] frame = codec.encodeData(session, Direction.DIALER_TO_ACCEPTOR, 1, utf8("cut short"));
            peer.write(Arrays.copyOf(frame, frame.length - 5));
            peer.endOutput();
        });
        assertThat(mesh.inbox(1).textsFrom(FAKE)).isEmpty();
    }

    @Test
    void duplicateConnectionFromAHigherIdKeepsTheLowerIdsDial() throws Exception {
        expectDropped(DropReason.DUPLICATE_CONNECTION, peer -> peer.handshakeAs(2, 1, legitimateCodec()));
        assertThat(node.connectionDialerId(2)).hasValue(1);
    }

    @Test
    void sendDropsWhenThePeersQueueIsFull() throws IOException, FrameRejectedException {
        // The test plays member 0 and never reads: member 1's socket buffers fill, its writer blocks and the
        // queue (4096 payloads) fills behind it. Bounded: at most 100,000 sends of 1 KiB.
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.handshakeAs(FAKE, 1, legitimateCodec());
            await().atMost(PATIENCE).until(() -> node.isConnected(FAKE));
            byte[] payload = new byte[1024];
            boolean dropped = false;
            for (int i = 0; i < 100_000 && !dropped; i++) {
                dropped = !node.send(FAKE, payload);
            }
            assertThat(dropped).isTrue();
            assertThat(node.stats().dropped(DropReason.QUEUE_FULL)).isEqualTo(1);
        }
        assertStillExchangesWithRealPeers();
    }
}
