package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final byte[] KEY = "frame-codec-test-key-bytes".getBytes(StandardCharsets.UTF_8);
    private final FrameCodec codec = new FrameCodec("c", KEY, 1024);

    private static byte[] nonce(int fill) {
        byte[] nonce = new byte[FrameCodec.NONCE_BYTES];
        java.util.Arrays.fill(nonce, (byte) fill);
        return nonce;
    }

    @Test
    void lengthPrefixIsTheBigEndianLengthOfTheRest() {
        Session session = new Session(1, nonce(1), 2, nonce(2));
        byte[] frame = codec.encodeData(session, Direction.DIALER_TO_ACCEPTOR, 1, new byte[10]);
        assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(frame.length - 4)
                .isEqualTo(FrameCodec.SEALED_OVERHEAD_BYTES + 10);
    }

    @Test
    void prefixesAboveTheCapOrNegativeAreOversized() {
        assertThatThrownBy(() -> FrameCodec.checkBodyLength(Integer.MAX_VALUE, 1024))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DropReason.OVERSIZED))
                .hasMessageContaining("2147483647");
        assertThatThrownBy(() -> FrameCodec.checkBodyLength(-1, 1024))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DropReason.OVERSIZED))
                .hasMessageContaining("4294967295");
    }

    @Test
    void welcomeIsBoundToTheHelloItAnswers() throws FrameRejectedException {
        Frame.Hello hello = new Frame.Hello(1, nonce(1));
        byte[] welcome = codec.encodeWelcome(new Frame.Welcome(2, nonce(2)), hello);

        assertThat(codec.decodeWelcome(FrameCodec.bodyOf(welcome, 1024), hello).senderId()).isEqualTo(2);
        Frame.Hello later = new Frame.Hello(1, nonce(3));
        assertThatThrownBy(() -> codec.decodeWelcome(FrameCodec.bodyOf(welcome, 1024), later))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DropReason.BAD_MAC));
    }

    @Test
    void confirmIsNotAcceptedAsAHello() {
        Session session = new Session(1, nonce(1), 2, nonce(2));
        byte[] confirm = codec.encodeConfirm(session);
        assertThatThrownBy(() -> codec.decodeHello(FrameCodec.bodyOf(confirm, 1024)))
                .isInstanceOfSatisfying(FrameRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(DropReason.MALFORMED));
    }

    @Test
    void payloadAboveTheCapIsRefusedAtEncoding() {
        Session session = new Session(1, nonce(1), 2, nonce(2));
        assertThatThrownBy(() -> codec.encodeData(session, Direction.DIALER_TO_ACCEPTOR, 1,
                new byte[codec.maxPayloadBytes() + 1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds");
    }
}
