package dev.baton.agent.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw TCP server on a loopback address that answers every request (read up to its empty line) with the same
 * bytes, then keeps the connection or closes it: for responses a real HTTP server would never send. Counts
 * connections opened and connections the client closed.
 */
final class ScriptedHttpServer implements AutoCloseable {
    private final ServerSocket listener;
    private final byte[] response;
    private final boolean closeAfterResponse;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger closedByClient = new AtomicInteger();
    /** The head (request line and headers) of the last request received. */
    volatile String lastRequest = "";

    ScriptedHttpServer(InetAddress address, String response, boolean closeAfterResponse) throws IOException {
        this.listener = new ServerSocket(0, 50, address);
        this.response = response.getBytes(StandardCharsets.ISO_8859_1);
        this.closeAfterResponse = closeAfterResponse;
        Thread acceptor = new Thread(this::accept, "scripted-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                connections.incrementAndGet();
                Thread serve = new Thread(() -> serve(socket), "scripted-http-conn");
                serve.setDaemon(true);
                serve.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String head = readRequest(in);
                if (head == null) {
                    closedByClient.incrementAndGet();
                    return;
                }
                lastRequest = head;
                requests.incrementAndGet();
                out.write(response);
                out.flush();
                if (closeAfterResponse) return;
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Reads one request head; null at end of stream. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) return text;
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) socket.close();
    }
}
