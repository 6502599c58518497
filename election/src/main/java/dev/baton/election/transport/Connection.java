package dev.baton.election.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/** One authenticated TCP connection to a peer. Written by the peer's writer thread, read by its reader thread. */
final class Connection {
    final int peerId;
    final int dialerId;
    final Session session;
    final Direction outbound;
    final long establishedNanos;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();
    private long sentSeq; // guarded by this; the confirm used 0, data starts at 1

    Connection(Socket socket, DataInputStream in, OutputStream out, Session session, int selfId, long nowNanos) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.session = session;
        this.dialerId = session.dialerId();
        this.peerId = selfId == session.dialerId() ? session.acceptorId() : session.dialerId();
        this.outbound = selfId == session.dialerId() ? Direction.DIALER_TO_ACCEPTOR : Direction.ACCEPTOR_TO_DIALER;
        this.establishedNanos = nowNanos;
    }

    Socket socket() {
        return socket;
    }

    DataInputStream in() {
        return in;
    }

    Direction inbound() {
        return outbound.reverse();
    }

    /** Seals and writes one payload. Blocks while the socket's send buffer is full; close() unblocks it. */
    synchronized void sendData(FrameCodec codec, byte[] payload) throws IOException {
        sentSeq++;
        out.write(codec.encodeData(session, outbound, sentSeq, payload));
        out.flush();
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Idempotent; not synchronized, so it can interrupt a blocked write. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            TcpTransport.closeQuietly(socket);
        }
    }

    @Override
    public String toString() {
        return "connection to " + peerId + " dialed by " + dialerId + " (" + socket.getRemoteSocketAddress() + ")";
    }
}
