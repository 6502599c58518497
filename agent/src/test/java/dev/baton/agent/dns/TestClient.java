package dev.baton.agent.dns;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** Plain-socket DNS exchanges for the server tests: the bytes we send are exactly what we mean. */
final class TestClient {

    private TestClient() {
    }

    static Message query(String name, int type) {
        return Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    }

    /** Sends over UDP and waits up to {@code timeoutMillis} for the answer; null on timeout. */
    static Message udp(InetSocketAddress server, byte[] query, int timeoutMillis) throws IOException {
        byte[] wire = udpBytes(server, query, timeoutMillis);
        return wire == null ? null : new Message(wire);
    }

    /** Like {@link #udp}, the response's bytes exactly as received; null on timeout. */
    static byte[] udpBytes(InetSocketAddress server, byte[] query, int timeoutMillis) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0))) {
            s.setSoTimeout(timeoutMillis);
            s.send(new DatagramPacket(query, query.length, server));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            byte[] wire = new byte[p.getLength()];
            System.arraycopy(buf, 0, wire, 0, wire.length);
            return wire;
        }
    }

    static byte[] frame(byte[] message) {
        byte[] framed = new byte[message.length + 2];
        framed[0] = (byte) (message.length >>> 8);
        framed[1] = (byte) message.length;
        System.arraycopy(message, 0, framed, 2, message.length);
        return framed;
    }

    /** Reads one framed response; null at end of stream. */
    static Message readFramed(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int length;
        try {
            length = in.readUnsignedShort();
        } catch (EOFException e) {
            return null;
        }
        byte[] wire = new byte[length];
        in.readFully(wire);
        return new Message(wire);
    }

    /** Whether the peer has closed: a read returns end of stream or a reset within the socket's timeout. */
    static boolean closedByPeer(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }
}
