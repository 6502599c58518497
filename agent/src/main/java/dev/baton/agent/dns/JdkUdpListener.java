package dev.baton.agent.dns;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP on the JDK's blocking {@link DatagramChannel}: one socket, {@code threads} threads receiving on it, each
 * with its own reusable buffers, one datagram per system call. The fallback where the native loop cannot load, and
 * {@code dns.transport: jdk}.
 */
final class JdkUdpListener implements UdpListener {

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    private final UdpExchange exchange;
    private final DnsCounters counters;
    private final int threadCount;
    private final List<Thread> threads = new ArrayList<>();
    private DatagramChannel channel;
    private volatile boolean closed;

    JdkUdpListener(UdpExchange exchange, DnsCounters counters, int threads) {
        this.exchange = exchange;
        this.counters = counters;
        this.threadCount = threads;
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address) throws IOException {
        DatagramChannel udp = DatagramChannel.open(address.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            udp.bind(address);
            try {
                udp.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            } catch (IOException | UnsupportedOperationException ignored) {
                // best effort: the kernel may cap it
            }
        } catch (IOException | RuntimeException e) {
            udp.close();
            throw e;
        }
        channel = udp;
        return new InetSocketAddress(address.getAddress(), ((InetSocketAddress) udp.getLocalAddress()).getPort());
    }

    @Override
    public void start() {
        String where = String.valueOf(localAddress());
        for (int t = 0; t < threadCount; t++) {
            Thread thread = new Thread(this::receive, "baton-dns-udp-" + where + "-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private SocketAddress localAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void receive() {
        // Heap buffers: the JDK copies through a cached per-thread direct buffer, and the answerer reads arrays.
        // A datagram longer than the receive buffer arrives cut to it, which UdpExchange refuses.
        byte[] in = new byte[UdpExchange.MAX_QUERY_BYTES];
        byte[] out = new byte[UdpExchange.MAX_RESPONSE_BYTES];
        ByteBuffer inBuffer = ByteBuffer.wrap(in);
        ByteBuffer outBuffer = ByteBuffer.wrap(out);
        ReceiveErrorPause pause = new ReceiveErrorPause();
        while (!closed) {
            SocketAddress client;
            inBuffer.clear();
            try {
                client = channel.receive(inBuffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed || !channel.isOpen()) return;
                counters.internalError("UDP receive", e);
                if (!pause.pauseAfterFailure()) return;
                continue;
            }
            pause.succeeded();
            long receivedAt = exchange.receivedAt();
            int length = exchange.respond(in, inBuffer.position(), (InetSocketAddress) client, out);
            if (length == 0) continue;
            try {
                outBuffer.clear().limit(length);
                channel.send(outBuffer, client);
                exchange.sent(receivedAt);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) return;
                // e.g. ICMP-induced errors or an unroutable source: the client's problem, not ours
                log.debug("UDP send to {} failed: {}", client, e.toString());
            } catch (RuntimeException e) { // from the answer timer
                counters.internalError("UDP message", e);
            }
        }
    }
}
