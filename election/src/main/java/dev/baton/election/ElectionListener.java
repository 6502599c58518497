package dev.baton.election;

/**
 * libab's callbacks, plus commit (which libab dropped in 0.5), snapshots and application messages.
 *
 * <p>Contract: for one node every callback is invoked on one dedicated callback thread, in the order the
 * protocol produced them, never concurrently. A slow callback delays later callbacks, not the protocol. A
 * callback that throws is logged to {@code System.err} and does not stop delivery.
 */
public interface ElectionListener {

    /** This node now leads {@code term}: every entry committed before it has been recovered and committed. */
    default void onGainedLeadership(long term) {
    }

    /** This node stopped leading {@code term} (lease not renewed, hand-over, shutdown). It acts no more. */
    default void onLostLeadership(long term) {
    }

    /**
     * The leader this node follows changed; {@code leaderId} is 0 while none is known. Followers learn of a new
     * leader from its first message, a few milliseconds before it has committed its recovery and reported
     * {@link #onGainedLeadership}: an append sent to it in between fails with {@link NotLeaderException}.
     */
    default void onLeaderChanged(int leaderId, long term) {
    }

    /** An entry reached this node's log (persisted) but is not committed yet; it may still be replaced. */
    default void onAppend(long index, long term, byte[] data) {
    }

    /** An entry is committed. Called for every application entry, on every node, in index order. */
    default void onCommit(long index, long term, byte[] data) {
    }

    /**
     * Replace the application state with a snapshot taken by {@code ElectionNode.compact} on another node
     * (or read from disk at start); entries after {@code index} follow through {@link #onCommit}.
     */
    default void onSnapshot(long index, long term, byte[] data) {
    }

    /** An application message sent by {@code ElectionNode.send} on {@code fromId}. */
    default void onMessage(int fromId, byte[] data) {
    }
}
