package dev.baton.election.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and decodes transport frames; no I/O. Not thread-safe (it owns a {@link Mac}): each thread uses its
 * own instance. Every decode either returns a frame whose MAC verified or throws {@link FrameRejectedException}
 * naming the {@link DropReason}; nothing else escapes for any input. Layouts: see {@code package-info.java}.
 */
final class FrameCodec {
    static final int LENGTH_PREFIX_BYTES = 4;
    static final int NONCE_BYTES = 16;
    static final int MAC_BYTES = 32;
    static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** Body of a hello or welcome: type, sender id, nonce, MAC. Also the cap before authentication. */
    static final int HANDSHAKE_BODY_BYTES = 1 + 4 + NONCE_BYTES + MAC_BYTES;
    /** Body of a confirm or data frame without its payload: type, sender id, sequence, MAC. */
    static final int SEALED_OVERHEAD_BYTES = 1 + 4 + 8 + MAC_BYTES;
    /** Smallest allowed body cap: a data frame must at least fit an empty payload. */
    static final int MIN_MAX_FRAME_BYTES = Math.max(HANDSHAKE_BODY_BYTES, SEALED_OVERHEAD_BYTES);

    static final byte HELLO = 1;
    static final byte WELCOME = 2;
    static final byte CONFIRM = 3;
    static final byte DATA = 4;

    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final byte[] NO_CONTEXT = new byte[0];

    private final byte[] clusterName;
    private final Mac mac;
    private final int maxBodyBytes;

    FrameCodec(String clusterName, byte[] clusterKey, int maxBodyBytes) {
        if (maxBodyBytes < MIN_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("max frame bytes must be at least " + MIN_MAX_FRAME_BYTES);
        }
        this.clusterName = clusterName.getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = maxBodyBytes;
        try {
            mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(clusterKey, MAC_ALGORITHM));
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is mandatory in every Java SE implementation; reaching here is a broken JDK.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Largest payload a data frame may carry under this codec's cap. */
    int maxPayloadBytes() {
        return maxBodyBytes - SEALED_OVERHEAD_BYTES;
    }

    // ---- encoding: each method returns a whole frame, length prefix included ----

    byte[] encodeHello(Frame.Hello hello) {
        return handshakeFrame(HELLO, hello.senderId(), hello.nonce(), NO_CONTEXT);
    }

    /** The welcome's MAC also covers the hello it answers, so a recorded welcome cannot answer a new hello. */
    byte[] encodeWelcome(Frame.Welcome welcome, Frame.Hello answered) {
        return handshakeFrame(WELCOME, welcome.senderId(), welcome.nonce(), helloContext(answered));
    }

    byte[] encodeConfirm(Session session) {
        return sealedFrame(CONFIRM, session, Direction.DIALER_TO_ACCEPTOR, 0, new byte[0]);
    }

    byte[] encodeData(Session session, Direction direction, long seq, byte[] payload) {
        if (payload.length > maxPayloadBytes()) {
            throw new IllegalArgumentException(
                    "payload of " + payload.length + " bytes exceeds the maximum of " + maxPayloadBytes());
        }
        return sealedFrame(DATA, session, direction, seq, payload);
    }

    private byte[] handshakeFrame(byte type, int senderId, byte[] nonce, byte[] context) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be " + NONCE_BYTES + " bytes");
        }
        ByteBuffer frame = ByteBuffer.allocate(LENGTH_PREFIX_BYTES + HANDSHAKE_BODY_BYTES);
        frame.putInt(HANDSHAKE_BODY_BYTES).put(type).putInt(senderId).put(nonce);
        frame.put(tag(frame.array(), LENGTH_PREFIX_BYTES, HANDSHAKE_BODY_BYTES, context));
        return frame.array();
    }

    private byte[] sealedFrame(byte type, Session session, Direction direction, long seq, byte[] payload) {
        int bodyLength = SEALED_OVERHEAD_BYTES + payload.length;
        ByteBuffer frame = ByteBuffer.allocate(LENGTH_PREFIX_BYTES + bodyLength);
        frame.putInt(bodyLength).put(type).putInt(session.senderOf(direction)).putLong(seq).put(payload);
        frame.put(tag(frame.array(), LENGTH_PREFIX_BYTES, bodyLength, session.macContext(direction)));
        return frame.array();
    }

    // ---- decoding ----

    /**
     * Validates a length prefix against {@code cap} before anything is allocated for the body, so a 2 GiB
     * prefix costs nothing (libab trusted the prefix).
     */
    static int checkBodyLength(int prefix, int cap) throws FrameRejectedException {
        if (prefix < 0 || prefix > cap) {
            throw new FrameRejectedException(DropReason.OVERSIZED,
                    "length prefix " + Integer.toUnsignedString(prefix) + " outside 0.." + cap);
        }
        return prefix;
    }

    /** Splits a whole frame (prefix included) into its body; rejects a truncated or over-long frame. */
    static byte[] bodyOf(byte[] frame, int cap) throws FrameRejectedException {
        if (frame.length < LENGTH_PREFIX_BYTES) {
            throw new FrameRejectedException(DropReason.MALFORMED, "frame shorter than its length prefix");
        }
        int length = checkBodyLength(ByteBuffer.wrap(frame).getInt(), cap);
        if (frame.length - LENGTH_PREFIX_BYTES != length) {
            throw new FrameRejectedException(DropReason.MALFORMED, "length prefix says " + length
                    + " bytes but the frame holds " + (frame.length - LENGTH_PREFIX_BYTES));
        }
        return Arrays.copyOfRange(frame, LENGTH_PREFIX_BYTES, frame.length);
    }

    Frame.Hello decodeHello(byte[] body) throws FrameRejectedException {
        requireHandshake(body, HELLO, "hello");
        verify(body, NO_CONTEXT);
        return new Frame.Hello(intAt(body, 1), Arrays.copyOfRange(body, 5, 5 + NONCE_BYTES));
    }

    Frame.Welcome decodeWelcome(byte[] body, Frame.Hello answered) throws FrameRejectedException {
        requireHandshake(body, WELCOME, "welcome");
        verify(body, helloContext(answered));
        return new Frame.Welcome(intAt(body, 1), Arrays.copyOfRange(body, 5, 5 + NONCE_BYTES));
    }

    /**
     * Decodes a confirm or data frame travelling in {@code direction} on {@code session}. Checks, in order:
     * layout (MALFORMED), MAC (BAD_MAC), sender is the session's member for that direction (UNKNOWN_SENDER),
     * sequence above {@code lastSeq} (REPLAY).
     */
    Frame decodeSealed(byte[] body, Session session, Direction direction, long lastSeq)
            throws FrameRejectedException {
        if (body.length < SEALED_OVERHEAD_BYTES) {
            throw new FrameRejectedException(DropReason.MALFORMED,
                    "sealed frame of " + body.length + " bytes, at least " + SEALED_OVERHEAD_BYTES + " needed");
        }
        byte type = body[0];
        if (type != CONFIRM && type != DATA) {
            throw new FrameRejectedException(DropReason.MALFORMED, "unexpected frame type " + type);
        }
        if (type == CONFIRM && body.length != SEALED_OVERHEAD_BYTES) {
            throw new FrameRejectedException(DropReason.MALFORMED, "confirm with a payload");
        }
        verify(body, session.macContext(direction));
        int senderId = intAt(body, 1);
        if (senderId != session.senderOf(direction)) {
            throw new FrameRejectedException(DropReason.UNKNOWN_SENDER,
                    "frame claims sender " + senderId + " on a connection with " + session.senderOf(direction));
        }
        long seq = ByteBuffer.wrap(body, 5, 8).getLong();
        if (seq <= lastSeq) {
            throw new FrameRejectedException(DropReason.REPLAY, "sequence " + seq + " not above " + lastSeq);
        }
        if (type == CONFIRM) {
            return new Frame.Confirm(senderId, seq);
        }
        return new Frame.Data(senderId, seq, Arrays.copyOfRange(body, 13, body.length - MAC_BYTES));
    }

    private static void requireHandshake(byte[] body, byte type, String what) throws FrameRejectedException {
        if (body.length != HANDSHAKE_BODY_BYTES || body[0] != type) {
            throw new FrameRejectedException(DropReason.MALFORMED, "not a " + what + " frame");
        }
    }

    private void verify(byte[] body, byte[] context) throws FrameRejectedException {
        byte[] expected = tag(body, 0, body.length, context);
        byte[] actual = Arrays.copyOfRange(body, body.length - MAC_BYTES, body.length);
        // Constant time, so response timing does not reveal how many MAC bytes matched.
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new FrameRejectedException(DropReason.BAD_MAC, "MAC does not verify (another cluster key, cluster name or shared timings?)");
        }
    }

    /**
     * HMAC-SHA256 over: cluster name (length-prefixed), the frame's length prefix, the body up to the MAC, and
     * the context (the answered hello, or the session's ids, nonces and direction).
     */
    private byte[] tag(byte[] buffer, int bodyOffset, int bodyLength, byte[] context) {
        mac.update(ByteBuffer.allocate(4).putInt(clusterName.length).array());
        mac.update(clusterName);
        mac.update(ByteBuffer.allocate(4).putInt(bodyLength).array());
        mac.update(buffer, bodyOffset, bodyLength - MAC_BYTES);
        mac.update(context);
        return mac.doFinal();
    }

    private static byte[] helloContext(Frame.Hello hello) {
        return ByteBuffer.allocate(4 + NONCE_BYTES).putInt(hello.senderId()).put(hello.nonce()).array();
    }

    private static int intAt(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes, offset, 4).getInt();
    }
}
