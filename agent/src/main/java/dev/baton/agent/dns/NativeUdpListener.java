package dev.baton.agent.dns;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP on Baton's own JNI loop ({@link NativeUdp}), shaped like gdnsd's: {@code threads} sockets bound to the same
 * address with SO_REUSEPORT (the kernel spreads clients over them), each with one thread that blocks in recvmmsg
 * for up to {@code batch} datagrams, answers each through {@link UdpExchange} from preallocated buffers, and
 * sends the batch's responses with one sendmmsg. No event loop, no readiness call, no object per datagram.
 */
final class NativeUdpListener implements UdpListener {

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    private static final long CLOSE_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(5);
    private static final int NO_SOCKET = -1;

    private final UdpExchange exchange;
    private final DnsCounters counters;
    private final int threadCount;
    private final int batch;
    private final List<Integer> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private String where = "";
    private volatile boolean closed;

    /**
     * @param threads sockets (and threads) on the address
     * @param batch   datagrams received per recvmmsg call, and so at most sent per sendmmsg call
     */
    NativeUdpListener(UdpExchange exchange, DnsCounters counters, int threads, int batch) {
        if (threads < 1 || batch < 1) throw new IllegalArgumentException("threads and batch must be at least 1");
        this.exchange = exchange;
        this.counters = counters;
        this.threadCount = threads;
        this.batch = batch;
    }

    /** Null when the native library loads here, else why not. */
    static String availability() {
        return NativeUdpLibrary.availability();
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address) throws IOException {
        byte[] ip = address.getAddress().getAddress();
        int scope = address.getAddress() instanceof Inet6Address v6 ? v6.getScopeId() : 0;
        int port = address.getPort();
        try {
            for (int i = 0; i < threadCount; i++) {
                // Several sockets on one port, one per thread; the kernel hashes each client to one of them.
                int fd = NativeUdp.open(ip, scope, port, threadCount > 1, JdkUdpListener.RECEIVE_BUFFER_BYTES);
                sockets.add(fd);
                if (i == 0) port = NativeUdp.localPort(fd); // port 0: the first socket takes a free port
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        InetSocketAddress bound = new InetSocketAddress(address.getAddress(), port);
        where = bound.toString();
        return bound;
    }

    @Override
    public void start() {
        for (int t = 0; t < sockets.size(); t++) {
            int fd = sockets.get(t);
            Thread thread = new Thread(() -> serve(fd), "baton-dns-udp-" + where + "-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (int fd : sockets) {
            try {
                NativeUdp.shutdown(fd); // wakes the thread blocked in recvmmsg; closing alone would not
            } catch (IOException | RuntimeException e) {
                log.debug("UDP shutdown on {} failed: {}", where, e.toString());
            }
        }
        boolean ended = true;
        try {
            for (Thread t : threads) {
                t.join(CLOSE_WAIT_MILLIS);
                ended &= !t.isAlive();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (!ended) {
            // A thread still inside recvmmsg could read from whatever socket reuses the fd number: leak it instead.
            log.warn("a DNS UDP thread on {} did not end; its sockets stay open", where);
            return;
        }
        for (int fd : sockets) {
            try {
                NativeUdp.close(fd);
            } catch (IOException | RuntimeException e) {
                log.debug("UDP close on {} failed: {}", where, e.toString());
            }
        }
        sockets.clear();
    }

    /** One thread's loop on its own socket and buffers. */
    private void serve(int fd) {
        int inSlot = UdpExchange.MAX_QUERY_BYTES;
        int outSlot = UdpExchange.MAX_RESPONSE_BYTES;
        byte[] inAll = new byte[inSlot * batch];
        byte[] outAll = new byte[outSlot * batch];
        int[] meta = new int[NativeUdp.META_INTS * batch];
        byte[] addresses = new byte[NativeUdp.ADDRESS_BYTES * batch];
        int[] responseLengths = new int[batch];
        byte[] in = new byte[inSlot];
        byte[] out = new byte[outSlot];
        byte[] ipv4 = new byte[4];
        byte[] ipv6 = new byte[16];
        long[] receivedAt = new long[batch];
        ReceiveErrorPause pause = new ReceiveErrorPause();
        long handle;
        try {
            handle = NativeUdp.newBatch(fd, inSlot, outSlot, batch);
        } catch (RuntimeException | OutOfMemoryError e) {
            counters.internalError("UDP batch", e);
            return;
        }
        try {
            while (!closed) {
                int received;
                try {
                    received = NativeUdp.receive(handle, inAll, meta, addresses);
                } catch (IOException e) {
                    if (closed) return;
                    counters.internalError("UDP receive", e);
                    if (!pause.pauseAfterFailure()) return;
                    continue;
                }
                pause.succeeded();
                if (received <= 0) continue; // shut down (closed is set first), or nothing
                for (int i = 0; i < received; i++) {
                    int m = i * NativeUdp.META_INTS;
                    receivedAt[i] = exchange.receivedAt();
                    int length = meta[m + NativeUdp.META_LENGTH];
                    byte[] client = meta[m + NativeUdp.META_ADDRESS_LENGTH] == 4 ? ipv4 : ipv6;
                    System.arraycopy(addresses, i * NativeUdp.ADDRESS_BYTES, client, 0, client.length);
                    System.arraycopy(inAll, i * inSlot, in, 0, length);
                    int responseLength = exchange.respond(in, length, client, meta[m + NativeUdp.META_PORT], out);
                    if (responseLength > 0) System.arraycopy(out, 0, outAll, i * outSlot, responseLength);
                    responseLengths[i] = responseLength;
                }
                try {
                    NativeUdp.send(handle, received, outAll, responseLengths);
                } catch (IOException e) {
                    if (closed) return;
                    counters.internalError("UDP send", e);
                    continue;
                }
                try {
                    for (int i = 0; i < received; i++) {
                        if (responseLengths[i] > 0) exchange.sent(receivedAt[i]);
                    }
                } catch (RuntimeException e) { // from the answer timer
                    counters.internalError("UDP message", e);
                }
            }
        } finally {
            NativeUdp.freeBatch(handle);
        }
    }
}
