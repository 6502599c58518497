package dev.baton.election.transport;

import java.nio.ByteBuffer;

/**
 * What the handshake of one connection agreed on: who dialed whom and both fresh nonces. Every sealed frame's
 * MAC covers it, so a frame recorded on one connection never verifies on another.
 */
final class Session {
    private final int dialerId;
    private final int acceptorId;
    private final byte[] toAcceptorContext;
    private final byte[] toDialerContext;

    Session(int dialerId, byte[] dialerNonce, int acceptorId, byte[] acceptorNonce) {
        if (dialerNonce.length != FrameCodec.NONCE_BYTES || acceptorNonce.length != FrameCodec.NONCE_BYTES) {
            throw new IllegalArgumentException("nonces must be " + FrameCodec.NONCE_BYTES + " bytes");
        }
        this.dialerId = dialerId;
        this.acceptorId = acceptorId;
        this.toAcceptorContext = context(dialerId, dialerNonce, acceptorId, acceptorNonce, Direction.DIALER_TO_ACCEPTOR);
        this.toDialerContext = context(dialerId, dialerNonce, acceptorId, acceptorNonce, Direction.ACCEPTOR_TO_DIALER);
    }

    int dialerId() {
        return dialerId;
    }

    int acceptorId() {
        return acceptorId;
    }

    /** The member that sends frames travelling in {@code direction}. */
    int senderOf(Direction direction) {
        return direction == Direction.DIALER_TO_ACCEPTOR ? dialerId : acceptorId;
    }

    /** Bytes appended to the MAC input of every sealed frame travelling in {@code direction}. */
    byte[] macContext(Direction direction) {
        return direction == Direction.DIALER_TO_ACCEPTOR ? toAcceptorContext : toDialerContext;
    }

    private static byte[] context(int dialerId, byte[] dialerNonce, int acceptorId, byte[] acceptorNonce,
                                  Direction direction) {
        return ByteBuffer.allocate(4 + FrameCodec.NONCE_BYTES + 4 + FrameCodec.NONCE_BYTES + 1)
                .putInt(dialerId).put(dialerNonce).putInt(acceptorId).put(acceptorNonce).put(direction.wire)
                .array();
    }
}
