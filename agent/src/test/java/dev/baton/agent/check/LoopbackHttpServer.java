package dev.baton.agent.check;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal keep-alive HTTP/1.1 server for the load benchmark: one selector thread answers every request
 * (a bodiless GET, ended by an empty line) with {@code 200 ok}. The JDK's HttpServer is not used there because
 * it is the bottleneck at thousands of requests per second (and without {@code sun.net.httpserver.nodelay} it
 * adds the 40 ms Nagle/delayed-ACK stall to every keep-alive response).
 */
final class LoopbackHttpServer implements AutoCloseable {
    private static final byte[] RESPONSE =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Thread thread;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong connections = new AtomicLong();

    LoopbackHttpServer(String threadName) throws IOException {
        selector = Selector.open();
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    /** Per connection: how far into an end-of-headers "\r\n\r\n" the bytes read so far are, and unsent output. */
    private static final class Connection {
        int matched;
        final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    }

    private void loop() {
        ByteBuffer in = ByteBuffer.allocateDirect(16 * 1024);
        try {
            while (!Thread.currentThread().isInterrupted() && selector.isOpen()) {
                selector.select();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    try {
                        if (!key.isValid()) continue;
                        if (key.isAcceptable()) {
                            SocketChannel channel;
                            while ((channel = listener.accept()) != null) {
                                connections.incrementAndGet();
                                channel.configureBlocking(false);
                                channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                                channel.register(selector, SelectionKey.OP_READ, new Connection());
                            }
                        } else {
                            serve(key, in);
                        }
                    } catch (IOException e) {
                        key.cancel();
                        key.channel().close();
                    }
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed
        }
    }

    private void serve(SelectionKey key, ByteBuffer in) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        Connection connection = (Connection) key.attachment();
        if (key.isReadable()) {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                key.cancel();
                channel.close();
                return;
            }
            in.flip();
            while (in.hasRemaining()) {
                byte b = in.get();
                boolean cr = connection.matched % 2 == 0;
                if (b == (cr ? '\r' : '\n')) {
                    if (++connection.matched == 4) {
                        connection.matched = 0;
                        requests.incrementAndGet();
                        connection.pending.add(ByteBuffer.wrap(RESPONSE));
                    }
                } else {
                    connection.matched = b == '\r' ? 1 : 0;
                }
            }
        }
        while (!connection.pending.isEmpty()) {
            ByteBuffer out = connection.pending.peek();
            channel.write(out);
            if (out.hasRemaining()) break;
            connection.pending.poll();
        }
        key.interestOps(connection.pending.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    @Override
    public void close() throws IOException {
        thread.interrupt();
        selector.close();
        listener.close();
    }
}
