package dev.baton.election.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;

/** A raw TCP client that speaks (or mangles) the wire protocol by hand. */
final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawPeer connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(LoopbackMesh.LOOPBACK, port), 5_000);
        return new RawPeer(socket);
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void writeInt(int value) throws IOException {
        write(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    void endOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Performs the dialer's handshake as member {@code selfId} with the given key material. */
    Session handshakeAs(int selfId, int peerId, FrameCodec codec) throws IOException, FrameRejectedException {
        return Handshake.dial(in, out, codec, selfId, peerId, new SecureRandom());
    }

    /** Whether the other end closed the connection (drains whatever it sent first). */
    boolean closedByRemote() throws IOException {
        socket.setSoTimeout(15_000);
        try {
            while (in.read() >= 0) {
                // drain, e.g. a welcome sent before the node rejected us
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset: the node closed with our unread bytes in its buffer
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
