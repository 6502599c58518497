package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Member 1 dials member 5, which the test plays from a plain ServerSocket at 5's configured address. */
class TcpTransportDialerSideTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void dialerChecksTheWelcomeThenSendsSealedFrames() throws Exception {
        FrameCodec codec = new FrameCodec(LoopbackMesh.CLUSTER, LoopbackMesh.KEY,
                TransportConfig.DEFAULT_MAX_FRAME_BYTES);
        try (ServerSocket fakeFive = new ServerSocket(0, 50, LoopbackMesh.LOOPBACK);
             ServerSocket oneListener = new ServerSocket(0, 50, LoopbackMesh.LOOPBACK)) {
            Map<Integer, InetSocketAddress> members = Map.of(
                    1, new InetSocketAddress(LoopbackMesh.LOOPBACK, oneListener.getLocalPort()),
                    5, new InetSocketAddress(LoopbackMesh.LOOPBACK, fakeFive.getLocalPort()));
            try (TcpTransport one = new TcpTransport(
                    TransportConfig.of(LoopbackMesh.CLUSTER, 1, members, LoopbackMesh.KEY), oneListener)) {
                one.start(new Inbox());

                // A welcome from a member other than the one dialed.
                try (Socket socket = fakeFive.accept()) {
                    Frame.Hello hello = readHello(socket, codec);
                    assertThat(hello.senderId()).isEqualTo(1);
                    socket.getOutputStream().write(codec.encodeWelcome(new Frame.Welcome(7, nonce()), hello));
                    await().atMost(PATIENCE).until(() -> one.stats().dropped(DropReason.UNKNOWN_SENDER) == 1);
                }
                // A welcome under another key.
                FrameCodec wrongKey = new FrameCodec(LoopbackMesh.CLUSTER,
                        "not-the-cluster-key-at-all".getBytes(StandardCharsets.UTF_8), 1024);
                try (Socket socket = fakeFive.accept()) {
                    Frame.Hello hello = readHello(socket, codec);
                    socket.getOutputStream().write(wrongKey.encodeWelcome(new Frame.Welcome(5, nonce()), hello));
                    await().atMost(PATIENCE).until(() -> one.stats().dropped(DropReason.BAD_MAC) == 1);
                }
                assertThat(one.isConnected(5)).isFalse();

                // A proper acceptor: the redial lands at the configured address and data flows sealed.
                try (Socket socket = fakeFive.accept()) {
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    Session session = Handshake.accept(in, out, codec, 5, id -> id == 1, new SecureRandom());
                    await().atMost(PATIENCE).until(() -> one.isConnected(5));
                    assertThat(one.send(5, "first".getBytes(StandardCharsets.UTF_8))).isTrue();
                    assertThat(one.send(5, "second".getBytes(StandardCharsets.UTF_8))).isTrue();
                    long lastSeq = 0;
                    for (String expected : new String[] {"first", "second"}) {
                        Frame frame = codec.decodeSealed(FrameIo.readBody(in, codec.maxBodyBytes()), session,
                                Direction.DIALER_TO_ACCEPTOR, lastSeq);
                        Frame.Data data = (Frame.Data) frame;
                        assertThat(new String(data.payload(), StandardCharsets.UTF_8)).isEqualTo(expected);
                        assertThat(data.seq()).isEqualTo(lastSeq + 1);
                        lastSeq = data.seq();
                    }
                    assertThat(one.stats().connectionsDialed()).isEqualTo(1);
                }
            }
        }
    }

    private static Frame.Hello readHello(Socket socket, FrameCodec codec) throws Exception {
        socket.setSoTimeout(15_000);
        return codec.decodeHello(FrameIo.readBody(new DataInputStream(socket.getInputStream()),
                FrameCodec.HANDSHAKE_BODY_BYTES));
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[FrameCodec.NONCE_BYTES];
        new SecureRandom().nextBytes(nonce);
        return nonce;
    }
}
