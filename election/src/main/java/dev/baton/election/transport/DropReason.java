package dev.baton.election.transport;

/** Why the transport dropped a frame, a payload or a connection. Counted, never fatal to the node. */
public enum DropReason {
    /** Length prefix above the configured maximum frame size (or negative). */
    OVERSIZED,
    /** Frame too short to hold its header and MAC, or a handshake that does not parse. */
    MALFORMED,
    /** HMAC-SHA256 did not verify (wrong key, wrong cluster name, tampered bytes). */
    BAD_MAC,
    /** Sequence number not greater than the last one seen on the connection. */
    REPLAY,
    /** Sender id is not a member of the cluster, or is this node's own id. */
    UNKNOWN_SENDER,
    /** A second connection for a peer that already has one; the tie-break kept the other. */
    DUPLICATE_CONNECTION,
    /** Peer not connected when send() was called. */
    NOT_CONNECTED,
    /** Peer's send queue full when send() was called. */
    QUEUE_FULL,
    /** Handshake did not finish in time. */
    HANDSHAKE_TIMEOUT,
    /**
     * Too many accepted connections were in their handshake at once: the oldest was closed to make room (see
     * {@code TcpTransport.MAX_PENDING_HANDSHAKES}).
     */
    HANDSHAKE_EVICTED
}
