package dev.baton.election.transport;

/**
 * Carries opaque protocol payloads between the members of one cluster. Best effort: a payload may be
 * dropped (peer down, queue full), duplicated never, reordered never within one connection. The protocol
 * above tolerates loss and reordering across connections.
 */
public interface Transport extends AutoCloseable {

    /** Receives payloads. Called on transport threads; implementations must only enqueue and return. */
    interface Receiver {
        void onPayload(int fromId, byte[] payload);
    }

    /** Binds the listening socket (if any) and starts dialing peers. Throws if the port cannot be bound. */
    void start(Receiver receiver);

    /**
     * Queues a payload for {@code toId}. Never blocks; returns false when the payload was dropped because the
     * peer is not connected or its send queue is full. Thread-safe.
     */
    boolean send(int toId, byte[] payload);

    /** Whether an authenticated connection to {@code peerId} is currently up. */
    boolean isConnected(int peerId);

    /**
     * Closes the current connection to {@code peerId}, if any; it is redialed as after any loss. For a link that
     * looks up to TCP but carries nothing (a silently dead path: TCP would notice only after minutes of
     * retransmissions): the caller knows from its own heartbeats. Never blocks; thread-safe.
     */
    void disconnect(int peerId);

    /** Counters of frames sent, received and dropped by reason. */
    TransportStats stats();

    /** Closes every connection and the listening socket. Idempotent. */
    @Override
    void close();
}
