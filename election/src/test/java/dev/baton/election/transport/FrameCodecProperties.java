package dev.baton.election.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the wire codec: round trips, and no mutation of a valid frame decodes to anything else. */
class FrameCodecProperties {
    private static final byte[] KEY = "frame-codec-property-key".getBytes(StandardCharsets.UTF_8);
    private static final int CAP = 4096;
    private static final Session SESSION = new Session(3, nonce(1), 7, nonce(2));

    private final FrameCodec codec = new FrameCodec("prop-cluster", KEY, CAP);

    private static byte[] nonce(int fill) {
        byte[] nonce = new byte[FrameCodec.NONCE_BYTES];
        Arrays.fill(nonce, (byte) fill);
        return nonce;
    }

    private Frame decodeData(byte[] frame, Direction direction, long lastSeq) throws FrameRejectedException {
        return codec.decodeSealed(FrameCodec.bodyOf(frame, CAP), SESSION, direction, lastSeq);
    }

    @Property
    void dataFramesRoundTrip(@ForAll @Size(max = CAP - FrameCodec.SEALED_OVERHEAD_BYTES) byte[] payload,
                             @ForAll @IntRange(min = 1) int seq, @ForAll boolean fromDialer)
            throws FrameRejectedException {
        Direction direction = fromDialer ? Direction.DIALER_TO_ACCEPTOR : Direction.ACCEPTOR_TO_DIALER;
        byte[] frame = codec.encodeData(SESSION, direction, seq, payload);

        Frame decoded = decodeData(frame, direction, seq - 1L);

        assertThat(decoded).isInstanceOfSatisfying(Frame.Data.class, data -> {
            assertThat(data.payload()).isEqualTo(payload);
            assertThat(data.seq()).isEqualTo(seq);
            assertThat(data.senderId()).isEqualTo(SESSION.senderOf(direction));
        });
    }

    @Property
    void aFrameIsOnlyValidOnceInItsOwnDirection(@ForAll @Size(max = 64) byte[] payload,
                                                @ForAll @IntRange(min = 1) int seq, @ForAll long lastSeq) {
        byte[] frame = codec.encodeData(SESSION, Direction.DIALER_TO_ACCEPTOR, seq, payload);

        assertRejected(() -> decodeData(frame, Direction.ACCEPTOR_TO_DIALER, 0), DropReason.BAD_MAC);
        Session otherConnection = new Session(3, nonce(1), 7, nonce(9));
        assertRejected(() -> codec.decodeSealed(FrameCodec.bodyOf(frame, CAP), otherConnection,
                Direction.DIALER_TO_ACCEPTOR, 0), DropReason.BAD_MAC);
        FrameCodec otherCluster = new FrameCodec("other-cluster", KEY, CAP);
        assertRejected(() -> otherCluster.decodeSealed(FrameCodec.bodyOf(frame, CAP), SESSION,
                Direction.DIALER_TO_ACCEPTOR, 0), DropReason.BAD_MAC);
        if (lastSeq >= seq) {
            assertRejected(() -> decodeData(frame, Direction.DIALER_TO_ACCEPTOR, lastSeq), DropReason.REPLAY);
        }
    }

    @Property(tries = 3000)
    void mutatedOrTruncatedDataFramesAreRejectedOrUnchanged(
            @ForAll @Size(max = 300) byte[] payload,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> positions,
            @ForAll @Size(min = 4, max = 4) List<Byte> values,
            @ForAll @IntRange(min = 0, max = 400) int truncateTo, @ForAll boolean truncate) {
        byte[] original = codec.encodeData(SESSION, Direction.DIALER_TO_ACCEPTOR, 42, payload);
        byte[] mangled = mangle(original, positions, values, truncate ? truncateTo : Integer.MAX_VALUE);

        try {
            Frame decoded = decodeData(mangled, Direction.DIALER_TO_ACCEPTOR, 41);
            assertThat(mangled).as("only the untouched frame may be accepted").isEqualTo(original);
            assertThat(decoded).isInstanceOfSatisfying(Frame.Data.class, data -> {
                assertThat(data.payload()).isEqualTo(payload);
                assertThat(data.seq()).isEqualTo(42);
                assertThat(data.senderId()).isEqualTo(3);
            });
        } catch (FrameRejectedException rejected) {
            assertThat(mangled).isNotEqualTo(original);
            assertThat(rejected.reason()).isIn(DropReason.MALFORMED, DropReason.OVERSIZED, DropReason.BAD_MAC);
        }
    }

    @Property(tries = 2000)
    void mutatedOrTruncatedHellosAreRejectedOrUnchanged(
            @ForAll int senderId,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 100_000) Integer> positions,
            @ForAll @Size(min = 4, max = 4) List<Byte> values,
            @ForAll @IntRange(min = 0, max = 80) int truncateTo, @ForAll boolean truncate) {
        Frame.Hello hello = new Frame.Hello(senderId, nonce(5));
        byte[] original = codec.encodeHello(hello);
        byte[] mangled = mangle(original, positions, values, truncate ? truncateTo : Integer.MAX_VALUE);

        try {
            Frame.Hello decoded = codec.decodeHello(FrameCodec.bodyOf(mangled, FrameCodec.HANDSHAKE_BODY_BYTES));
            assertThat(mangled).isEqualTo(original);
            assertThat(decoded.senderId()).isEqualTo(senderId);
            assertThat(decoded.nonce()).isEqualTo(hello.nonce());
        } catch (FrameRejectedException rejected) {
            assertThat(mangled).isNotEqualTo(original);
        }
    }

    @Property(tries = 500)
    void arbitraryBytesNeverEscapeAsAnythingButARejection(@ForAll @Size(max = 200) byte[] junk) {
        try {
            codec.decodeHello(FrameCodec.bodyOf(junk, CAP));
        } catch (FrameRejectedException expected) {
            // fine: junk is refused with a reason
        }
        try {
            decodeData(junk, Direction.DIALER_TO_ACCEPTOR, 0);
        } catch (FrameRejectedException expected) {
            // fine
        }
    }

    private static byte[] mangle(byte[] frame, List<Integer> positions, List<Byte> values, int length) {
        byte[] copy = frame.clone();
        for (int i = 0; i < positions.size(); i++) {
            copy[positions.get(i) % copy.length] = values.get(i);
        }
        return Arrays.copyOf(copy, Math.min(copy.length, length));
    }

    interface Decode {
        Object run() throws FrameRejectedException;
    }

    private static void assertRejected(Decode decode, DropReason reason) {
        assertThatThrownBy(decode::run).isInstanceOfSatisfying(FrameRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
