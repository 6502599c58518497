package dev.baton.agent.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.baton.agent.dns.ratelimit.ResponseRateLimiter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Baton's embedded authoritative DNS server: UDP and TCP on each listen address, answers from
 * {@link DnsAnswerer}. Only the I/O lives here.
 *
 * <ul>
 *   <li>UDP: {@code udpThreadsPerSocket} threads per socket, each with its own reusable receive and send
 *   buffers, on a blocking {@link DatagramChannel}; the common query is answered from cached bytes without
 *   allocating ({@link DnsAnswerer#answerInto}); responses are truncated to the client's limit with TC set.</li>
 *   <li>TCP (RFC 7766): 2-byte length framing, any number of queries per connection answered in order, an idle
 *   timeout, at most {@code maxTcpConnections} at once: when all are taken, the connection that has waited
 *   longest for its client closes to make room, so idle or trickling clients (slow loris) cannot lock out a new
 *   one (the cluster transport evicts stalled handshakes the same way).</li>
 *   <li>Response rate limiting on UDP ({@link ResponseRateLimiter}): over the limit, a response is dropped or
 *   "slips" out truncated and empty, so a real resolver retries over TCP.</li>
 *   <li>No packet can stop a receive loop: every failure is caught per message and counted.</li>
 * </ul>
 *
 * <p>Lifecycle: construct, {@link #start()} once, {@link #close()} (idempotent). Thread-safe.
 */
public final class DnsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    private static final int UDP_BUFFER_BYTES = 65535;
    private static final int EPHEMERAL_BIND_ATTEMPTS = 20;
    private static final int TCP_BACKLOG = 128;

    private final List<InetSocketAddress> listen;
    private final DnsAnswerer answerer;
    private final DnsServerOptions options;
    private final AnswerTimer answerTimer;
    /** False for {@link AnswerTimer#NONE}: the untimed server does not read the clock per query. */
    private final boolean timed;

    private final Map<Integer, LongAdder> responsesByRcode = new ConcurrentHashMap<>();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder truncated = new LongAdder();
    private final LongAdder tcpAccepted = new LongAdder();
    private final LongAdder tcpRejected = new LongAdder();
    private final LongAdder tcpEvicted = new LongAdder();
    private final LongAdder internalErrors = new LongAdder();

    private final List<DatagramChannel> udpChannels = new ArrayList<>();
    private final List<ServerSocket> tcpSockets = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Open TCP connections; guarded by itself. */
    private final Set<TcpConnection> tcpConnections = new java.util.HashSet<>();
    private final ResponseRateLimiter rateLimiter;
    private final ExecutorService tcpExecutor;
    private volatile boolean started;
    private volatile boolean closed;

    /** A server with {@link DnsServerOptions#DEFAULTS}. */
    public DnsServer(List<InetSocketAddress> listen, Supplier<AnswerTable> tables, Currentness currentness,
                     WhenIsolated whenIsolated) {
        this(listen, new DnsAnswerer(tables, currentness, whenIsolated), DnsServerOptions.DEFAULTS);
    }

    /**
     * @param listen   addresses to serve UDP and TCP on; port 0 picks one free port used for both
     * @param answerer the answering logic
     * @param options  I/O tuning
     */
    public DnsServer(List<InetSocketAddress> listen, DnsAnswerer answerer, DnsServerOptions options) {
        this(listen, answerer, options, AnswerTimer.NONE);
    }

    /**
     * @param listen      addresses to serve UDP and TCP on; port 0 picks one free port used for both
     * @param answerer    the answering logic
     * @param options     I/O tuning
     * @param answerTimer told the time each answered query took (for the metrics' answer latency)
     */
    public DnsServer(List<InetSocketAddress> listen, DnsAnswerer answerer, DnsServerOptions options,
                     AnswerTimer answerTimer) {
        Objects.requireNonNull(listen, "listen");
        if (listen.isEmpty()) throw new IllegalArgumentException("listen: at least one address is required");
        for (InetSocketAddress a : listen) {
            if (Objects.requireNonNull(a, "listen address").isUnresolved()) {
                throw new IllegalArgumentException("listen: " + a + " is not an IP address");
            }
        }
        this.listen = List.copyOf(listen);
        this.answerer = Objects.requireNonNull(answerer, "answerer");
        this.options = Objects.requireNonNull(options, "options");
        this.answerTimer = Objects.requireNonNull(answerTimer, "answerTimer");
        this.timed = answerTimer != AnswerTimer.NONE;
        this.rateLimiter = new ResponseRateLimiter(options.rateLimit(), System::nanoTime);
        AtomicInteger connectionIds = new AtomicInteger();
        this.tcpExecutor = Executors.newCachedThreadPool(r -> daemon(r, "baton-dns-tcp-" + connectionIds.incrementAndGet()));
    }

    /**
     * Binds every address and starts the I/O threads. Returns once all sockets are bound.
     *
     * @throws IOException when an address cannot be bound (everything bound so far is closed again)
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    public synchronized void start() throws IOException {
        if (started || closed) throw new IllegalStateException("a DnsServer starts once");
        started = true;
        try {
            for (InetSocketAddress address : listen) bind(address);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        for (int i = 0; i < udpChannels.size(); i++) {
            DatagramChannel udp = udpChannels.get(i);
            ServerSocket tcp = tcpSockets.get(i);
            String where = bound.get(i).toString();
            for (int t = 0; t < options.udpThreadsPerSocket(); t++) {
                threads.add(daemon(() -> receiveUdp(udp), "baton-dns-udp-" + where + "-" + t));
            }
            threads.add(daemon(() -> acceptTcp(tcp), "baton-dns-accept-" + where));
        }
        threads.forEach(Thread::start);
        log.info("DNS server listening on {} (UDP and TCP)", bound);
    }

    /** The addresses actually bound, in the order given, each serving UDP and TCP on the same port. */
    public synchronized List<InetSocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    public DnsStats stats() {
        Map<Integer, Long> byRcode = new TreeMap<>();
        responsesByRcode.forEach((rcode, n) -> byRcode.put(rcode, n.sum()));
        return new DnsStats(byRcode, malformed.sum(), truncated.sum(), tcpAccepted.sum(), tcpRejected.sum(),
                tcpEvicted.sum(), rateLimiter.dropped(), rateLimiter.slipped(), internalErrors.sum());
    }

    /** Closes every socket and stops the threads, waiting a few seconds for them. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        udpChannels.forEach(DnsServer::closeQuietly);
        tcpSockets.forEach(DnsServer::closeQuietly);
        synchronized (tcpConnections) {
            tcpConnections.forEach(c -> closeQuietly(c.socket));
        }
        tcpExecutor.shutdownNow();
        try {
            for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(5));
            tcpExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void bind(InetSocketAddress address) throws IOException {
        int attempts = address.getPort() == 0 ? EPHEMERAL_BIND_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            DatagramChannel udp = DatagramChannel.open(address.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            ServerSocket tcp = new ServerSocket();
            try {
                udp.bind(address);
                // One port for both transports, so clients can retry over TCP after TC (RFC 7766 §5).
                int port = ((InetSocketAddress) udp.getLocalAddress()).getPort();
                InetSocketAddress actual = new InetSocketAddress(address.getAddress(), port);
                tcp.setReuseAddress(true);
                tcp.bind(actual, TCP_BACKLOG);
                try {
                    udp.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                } catch (IOException | UnsupportedOperationException ignored) {
                    // best effort: the kernel may cap it
                }
                udpChannels.add(udp);
                tcpSockets.add(tcp);
                bound.add(actual);
                return;
            } catch (BindException e) {
                udp.close();
                tcp.close();
                if (attempt >= attempts) throw new BindException("cannot bind DNS server to " + address + ": " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                udp.close();
                tcp.close();
                throw e;
            }
        }
    }

    private void receiveUdp(DatagramChannel channel) {
        // Heap buffers: the JDK copies through a cached per-thread direct buffer, and the answerer reads arrays.
        byte[] in = new byte[UDP_BUFFER_BYTES];
        byte[] out = new byte[UDP_BUFFER_BYTES];
        ByteBuffer inBuffer = ByteBuffer.wrap(in);
        ByteBuffer outBuffer = ByteBuffer.wrap(out);
        while (!closed) {
            SocketAddress client;
            inBuffer.clear();
            try {
                client = channel.receive(inBuffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed || !channel.isOpen()) return;
                internalError("UDP receive", e);
                continue;
            }
            long receivedAt = timed ? System.nanoTime() : 0;
            try {
                if (client == null || ((InetSocketAddress) client).getPort() == 0) { // cannot be answered
                    malformed.increment();
                    continue;
                }
                int outcome = answerer.answerInto(in, 0, inBuffer.position(), DnsTransport.UDP, out, 0);
                if (WireOutcome.malformed(outcome)) malformed.increment();
                int length = WireOutcome.length(outcome);
                if (length == 0) continue;
                ResponseRateLimiter.Decision limit = rateLimiter.decide(((InetSocketAddress) client).getAddress());
                if (limit == ResponseRateLimiter.Decision.DROP) continue;
                if (limit == ResponseRateLimiter.Decision.SLIP) length = truncateToQuestion(out, length);
                countResponse(WireOutcome.rcode(outcome));
                if ((out[2] & 0x02) != 0) truncated.increment(); // TC
                outBuffer.clear().limit(length);
                channel.send(outBuffer, client);
                if (timed) answerTimer.record(System.nanoTime() - receivedAt);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) return;
                // e.g. ICMP-induced errors or an unroutable source: the client's problem, not ours
                log.debug("UDP send to {} failed: {}", client, e.toString());
            } catch (RuntimeException | StackOverflowError e) {
                internalError("UDP message", e);
            }
        }
    }

    private void acceptTcp(ServerSocket server) {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed || server.isClosed()) return;
                internalError("TCP accept", e);
                continue;
            }
            TcpConnection connection = new TcpConnection(socket);
            admit(connection);
            try {
                tcpExecutor.execute(() -> serveTcp(connection));
            } catch (RejectedExecutionException e) { // closing
                tcpRejected.increment();
                forget(connection);
                closeQuietly(socket);
            }
        }
    }

    /**
     * Takes a slot for {@code connection}; when every slot is taken, first closes the open connection that has
     * waited longest for its client (idle, or a query trickling in), never one busy answering.
     */
    private void admit(TcpConnection connection) {
        TcpConnection victim = null;
        synchronized (tcpConnections) {
            if (tcpConnections.size() >= options.maxTcpConnections()) {
                for (TcpConnection c : tcpConnections) {
                    if (c.answering) continue;
                    if (victim == null || c.waitingSinceNanos - victim.waitingSinceNanos < 0) victim = c;
                }
                if (victim != null) tcpConnections.remove(victim);
            }
            tcpConnections.add(connection);
        }
        if (victim != null) {
            tcpEvicted.increment();
            closeQuietly(victim.socket); // its thread sees the socket closed and ends
        }
    }

    private void forget(TcpConnection connection) {
        synchronized (tcpConnections) {
            tcpConnections.remove(connection);
        }
    }

    private void serveTcp(TcpConnection connection) {
        tcpAccepted.increment();
        Socket socket = connection.socket;
        try (socket) {
            if (closed) return;
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            long idleNanos = options.tcpIdleTimeout().toNanos();
            byte[] prefix = new byte[2];
            while (!closed) {
                socket.setSoTimeout(Math.toIntExact(Math.max(1, options.tcpIdleTimeout().toMillis())));
                int first = in.read();
                if (first < 0) return; // the client closed
                long deadline = System.nanoTime() + idleNanos;
                prefix[0] = (byte) first;
                if (!readFully(socket, in, prefix, 1, 1, deadline)) return;
                int length = ((prefix[0] & 0xFF) << 8) | (prefix[1] & 0xFF);
                byte[] message = new byte[length];
                if (!readFully(socket, in, message, 0, length, deadline)) return;
                connection.answering = true;
                long receivedAt = timed ? System.nanoTime() : 0;
                byte[] framed = answerTcp(message);
                // Stamped before the write: whatever the client does after reading the answer comes later.
                long answeredAt = System.nanoTime();
                if (framed != null) {
                    out.write(framed);
                    out.flush();
                    if (timed) answerTimer.record(System.nanoTime() - receivedAt);
                }
                connection.waitingSinceNanos = answeredAt;
                connection.answering = false;
            }
        } catch (SocketTimeoutException e) {
            // idle, or a query trickling in too slowly: close (RFC 7766 §6.2.3)
        } catch (IOException e) {
            // reset by the peer, or closed by close()
        } catch (RuntimeException | StackOverflowError e) {
            internalError("TCP connection", e);
        } finally {
            forget(connection);
        }
    }

    /** The framed response, or null when nothing is to be sent. */
    private byte[] answerTcp(byte[] message) {
        try {
            DnsReply reply = answerer.answer(message, 0, message.length);
            count(reply);
            if (reply.response().isEmpty()) return null;
            byte[] wire = reply.toWire(DnsTransport.TCP);
            byte[] framed = new byte[wire.length + 2];
            framed[0] = (byte) (wire.length >>> 8);
            framed[1] = (byte) wire.length;
            System.arraycopy(wire, 0, framed, 2, wire.length);
            return framed;
        } catch (RuntimeException | StackOverflowError e) {
            internalError("TCP message", e);
            return null;
        }
    }

    /** Reads exactly {@code length} bytes before {@code deadline}; false at end of stream. */
    private static boolean readFully(Socket socket, InputStream in, byte[] b, int offset, int length, long deadline)
            throws IOException {
        int done = 0;
        while (done < length) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis < 1) throw new SocketTimeoutException("query not received in time");
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
            int n = in.read(b, offset + done, length - done);
            if (n < 0) return false;
            done += n;
        }
        return true;
    }

    private void count(DnsReply reply) {
        if (reply.malformed()) malformed.increment();
        int rcode = reply.rcode();
        if (rcode >= 0) countResponse(rcode);
    }

    private void countResponse(int rcode) {
        LongAdder n = responsesByRcode.get(rcode);
        if (n == null) n = responsesByRcode.computeIfAbsent(rcode, k -> new LongAdder());
        n.increment();
    }

    private void internalError(String where, Throwable e) {
        internalErrors.increment();
        long n = internalErrors.sum();
        // Log the first and then every power of two, so a flood of bad input cannot flood the log.
        if (Long.bitCount(n) == 1) log.warn("DNS server: unexpected failure in {} (#{})", where, n, e);
    }

    /**
     * Cuts the response in {@code out} down to its header and question, with TC set and no records: what a
     * rate-limited response "slips" out as (BIND's RRL), too small to amplify, and a real resolver retries over
     * TCP (RFC 7766 §5). Returns the new length.
     */
    static int truncateToQuestion(byte[] out, int length) {
        int qdcount = ((out[4] & 0xFF) << 8) | (out[5] & 0xFF);
        int end = 12;
        if (qdcount == 1) {
            int pos = 12;
            // The question is the first name in the message, so it is never compressed (RFC 1035 §4.1.4).
            while (pos < length && out[pos] != 0 && (out[pos] & 0xC0) == 0) pos += (out[pos] & 0xFF) + 1;
            if (pos < length && out[pos] == 0 && pos + 5 <= length) end = pos + 5;
        }
        if (end == 12) {
            out[4] = 0;
            out[5] = 0;
        }
        out[2] |= 0x02; // TC
        for (int i = 6; i < 12; i++) out[i] = 0; // no answer, authority or additional records
        return end;
    }

    /** One open TCP connection and what it is doing, for eviction. */
    private static final class TcpConnection {
        final Socket socket;
        /** When it began waiting for its client's next query: accepted, or its last response written. */
        volatile long waitingSinceNanos = System.nanoTime();
        /** True between a complete query and its response being written: not evicted then. */
        volatile boolean answering;

        TcpConnection(Socket socket) {
            this.socket = socket;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
