package dev.baton.agent.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.baton.agent.dns.ratelimit.ResponseRateLimiter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Baton's embedded authoritative DNS server: UDP and TCP on each listen address, answers from
 * {@link DnsAnswerer}. Only the I/O lives here.
 *
 * <ul>
 *   <li>UDP ({@link UdpTransportChoice}): on Linux, Baton's native loop, one socket per thread on the same
 *   port, batches of datagrams per recvmmsg and sendmmsg call ({@link NativeUdpListener}); elsewhere, or when
 *   chosen, {@code udpThreadsPerSocket} threads on one blocking JDK {@code DatagramChannel}
 *   ({@link JdkUdpListener}). Both answer through {@link UdpExchange}, so the bytes, limits and counters are the
 *   same: the common query is answered from cached bytes ({@link DnsAnswerer#answerInto}); responses are
 *   truncated to the client's limit with TC set.</li>
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
    private static final int EPHEMERAL_BIND_ATTEMPTS = 20;
    private static final int TCP_BACKLOG = 128;

    private final List<InetSocketAddress> listen;
    private final DnsAnswerer answerer;
    private final DnsServerOptions options;
    private final AnswerTimer answerTimer;
    /** False for {@link AnswerTimer#NONE}: the untimed server does not read the clock per query. */
    private final boolean timed;

    private final DnsCounters counters = new DnsCounters();
    private final UdpExchange udpExchange;
    private final List<UdpListener> udpListeners = new ArrayList<>();
    /** NATIVE or JDK once started. */
    private volatile UdpTransportChoice udpTransport;
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
        this.udpExchange = new UdpExchange(answerer, rateLimiter, counters, answerTimer);
        AtomicInteger connectionIds = new AtomicInteger();
        this.tcpExecutor = Executors.newCachedThreadPool(r -> daemon(r, "baton-dns-tcp-" + connectionIds.incrementAndGet()));
    }

    /**
     * Binds every address and starts the I/O threads. Returns once all sockets are bound.
     *
     * @throws IOException when an address cannot be bound (everything bound so far is closed again)
     * @throws IllegalStateException when called twice or after {@link #close()}, or when the options ask for
     *         {@link UdpTransportChoice#NATIVE} and it cannot load here (the message says why)
     */
    public synchronized void start() throws IOException {
        if (started || closed) throw new IllegalStateException("a DnsServer starts once");
        started = true;
        try {
            udpTransport = resolve(options.udpTransport());
            for (InetSocketAddress address : listen) bind(address);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        udpListeners.forEach(UdpListener::start);
        for (int i = 0; i < tcpSockets.size(); i++) {
            ServerSocket tcp = tcpSockets.get(i);
            threads.add(daemon(() -> acceptTcp(tcp), "baton-dns-accept-" + bound.get(i)));
        }
        threads.forEach(Thread::start);
        log.info("DNS server listening on {} (UDP via {}, TCP)", bound, udpTransport == UdpTransportChoice.NATIVE
                ? "the native loop, " + options.udpBatch() + " datagrams per recvmmsg/sendmmsg" : "the JDK's DatagramChannel");
    }

    /** What {@code choice} means on this machine: NATIVE or JDK. */
    private static UdpTransportChoice resolve(UdpTransportChoice choice) {
        if (choice == UdpTransportChoice.JDK) return choice;
        String unavailable = NativeUdpListener.availability();
        if (unavailable == null) return UdpTransportChoice.NATIVE;
        if (choice == UdpTransportChoice.NATIVE) {
            throw new IllegalStateException("dns.transport is native, but " + unavailable);
        }
        log.info("DNS over UDP uses the JDK's DatagramChannel: {}", unavailable);
        return UdpTransportChoice.JDK;
    }

    /**
     * The UDP transport in use: {@link UdpTransportChoice#NATIVE} or {@link UdpTransportChoice#JDK} once
     * {@link #start()} has resolved {@link UdpTransportChoice#AUTO}; null before.
     */
    public UdpTransportChoice udpTransport() {
        return udpTransport;
    }

    /** The addresses actually bound, in the order given, each serving UDP and TCP on the same port. */
    public synchronized List<InetSocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    public DnsStats stats() {
        return counters.snapshot(rateLimiter);
    }

    /** Closes every socket and stops the threads, waiting a few seconds for them. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        udpListeners.forEach(UdpListener::close);
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
            UdpListener udp = udpTransport == UdpTransportChoice.NATIVE
                    ? new NativeUdpListener(udpExchange, counters, options.udpThreadsPerSocket(), options.udpBatch())
                    : new JdkUdpListener(udpExchange, counters, options.udpThreadsPerSocket());
            ServerSocket tcp = new ServerSocket();
            try {
                // One port for both transports, so clients can retry over TCP after TC (RFC 7766 §5).
                InetSocketAddress actual = udp.bind(address);
                tcp.setReuseAddress(true);
                tcp.bind(actual, TCP_BACKLOG);
                udpListeners.add(udp);
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

    private void acceptTcp(ServerSocket server) {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed || server.isClosed()) return;
                counters.internalError("TCP accept", e);
                continue;
            }
            TcpConnection connection = new TcpConnection(socket);
            admit(connection);
            try {
                tcpExecutor.execute(() -> serveTcp(connection));
            } catch (RejectedExecutionException e) { // closing
                counters.tcpRejected.increment();
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
            counters.tcpEvicted.increment();
            closeQuietly(victim.socket); // its thread sees the socket closed and ends
        }
    }

    private void forget(TcpConnection connection) {
        synchronized (tcpConnections) {
            tcpConnections.remove(connection);
        }
    }

    private void serveTcp(TcpConnection connection) {
        counters.tcpAccepted.increment();
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
            counters.internalError("TCP connection", e);
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
            counters.internalError("TCP message", e);
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
        if (reply.malformed()) counters.malformed.increment();
        int rcode = reply.rcode();
        if (rcode >= 0) counters.countResponse(rcode);
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
