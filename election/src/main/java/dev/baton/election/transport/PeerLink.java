package dev.baton.election.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Everything this member keeps about one peer: its configured address, its send queue and its current
 * connection. The dialer thread waits here for a reason to dial.
 */
final class PeerLink {
    /** Outcome of {@link #adopt}: whether the fresh connection became current, and which one was dropped. */
    record Adoption(boolean adopted, Connection duplicateClosed) {
    }

    final int selfId;
    final int peerId;
    final InetSocketAddress configuredAddress;
    final BlockingQueue<byte[]> queue;
    private final long stableNanos;
    private volatile Connection current; // written under this
    private boolean closed; // guarded by this
    private boolean stableConnectionLost; // guarded by this

    PeerLink(int selfId, int peerId, InetSocketAddress configuredAddress, int queueCapacity, long stableNanos) {
        this.selfId = selfId;
        this.peerId = peerId;
        this.configuredAddress = configuredAddress;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.stableNanos = stableNanos;
    }

    Connection current() {
        return current;
    }

    /** Makes {@code fresh} current unless the tie-break keeps the existing one; closes the loser. */
    synchronized Adoption adopt(Connection fresh) {
        if (closed) {
            fresh.close();
            return new Adoption(false, null);
        }
        Connection existing = current;
        if (existing == null) {
            current = fresh;
            notifyAll();
            return new Adoption(true, null);
        }
        if (ConnectionTieBreak.freshWins(selfId, peerId, existing.dialerId, fresh.dialerId)) {
            current = fresh;
            existing.close();
            notifyAll();
            return new Adoption(true, existing);
        }
        fresh.close();
        return new Adoption(false, fresh);
    }

    /** Forgets {@code connection} if it is current; queued payloads were meant for it and are dropped. */
    synchronized void lost(Connection connection, long nowNanos) {
        if (current == connection) {
            current = null;
            queue.clear();
            stableConnectionLost = nowNanos - connection.establishedNanos >= stableNanos;
            notifyAll();
        }
    }

    /**
     * Whether this member should dial the peer now: when it has no connection, and also, as the lower id, while
     * the current connection is the peer's dial (the tie-break will prefer ours, so the steady state is always
     * the lower id's dial; the peer's dial only covers a one-way reachable address meanwhile).
     */
    synchronized boolean wantsDial() {
        Connection c = current;
        return !closed && (c == null || (selfId < peerId && c.dialerId != selfId));
    }

    /** Blocks until {@link #wantsDial()} or close. */
    synchronized void awaitDialNeeded() throws InterruptedException {
        while (!closed && !wantsDial()) {
            wait();
        }
    }

    /** True once after a connection that lived long enough to reset the backoff was lost. */
    synchronized boolean takeStableConnectionLost() {
        boolean lost = stableConnectionLost;
        stableConnectionLost = false;
        return lost;
    }

    synchronized void close() {
        closed = true;
        Connection c = current;
        current = null;
        if (c != null) {
            c.close();
        }
        queue.clear();
        notifyAll();
    }
}
