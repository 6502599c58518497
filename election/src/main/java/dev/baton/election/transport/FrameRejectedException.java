package dev.baton.election.transport;

/**
 * A frame the codec refused: the only exception {@link FrameCodec} throws for bad input. The transport counts
 * {@link #reason()} and closes the connection; the peer redials.
 */
final class FrameRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DropReason reason;

    FrameRejectedException(DropReason reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    DropReason reason() {
        return reason;
    }
}
