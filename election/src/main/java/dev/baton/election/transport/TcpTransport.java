package dev.baton.election.transport;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The authenticated TCP mesh between the static members of a cluster (layout and handshake in
 * {@code package-info.java}).
 *
 * <p>Threads, all daemon threads named {@code baton-transport-<self>-...}: one acceptor; per peer a dialer
 * ({@code -<peer>-dialer}) and a writer ({@code -<peer>-writer}) draining the peer's bounded queue; per
 * connection a reader ({@code -<peer>-reader}) that verifies frames and calls the {@link Receiver}; one timer
 * for handshake deadlines. Both members of a pair dial; the tie-break keeps the lower id's dial
 * ({@link ConnectionTieBreak}). Peers are always dialed at their configured address.
 *
 * <p>Any frame that fails to parse or authenticate is counted under its {@link DropReason} and closes its
 * connection; the peer redials with capped exponential backoff and full jitter.
 */
public final class TcpTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(TcpTransport.class.getName());
    /** Connections still in their handshake; beyond this, new ones are closed at once. */
    /**
     * Accepted connections still in their handshake, at most. Past this, the oldest is closed to make room: a
     * member's handshake takes a round trip, so whoever holds a connection open without finishing one (a port
     * scanner, a flood of idle connections) is the one evicted, and a member dialing in still gets through.
     */
    static final int MAX_PENDING_HANDSHAKES = 32;
    private static final int ACCEPT_BACKLOG = 50;
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final TransportConfig config;
    private final int selfId;
    private final byte[] clusterKey;
    private final Map<Integer, PeerLink> links;
    private final StatsCounters stats = new StatsCounters();
    /** Handshake failures come from whoever can reach the port (scanners): one warning per address per period. */
    private final WarningThrottle handshakeWarnings = new WarningThrottle();
    private final SecureRandom nonces = new SecureRandom();
    /** Accepted sockets still in their handshake, oldest first. */
    private final ConcurrentLinkedDeque<Socket> pendingHandshakes = new ConcurrentLinkedDeque<>();
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final ScheduledThreadPoolExecutor timer;
    private final Object lifecycle = new Object();
    private ServerSocket server; // guarded by lifecycle until started, then only read
    private volatile Receiver receiver;
    private volatile boolean started;
    private volatile boolean closed;

    /** A transport that binds {@code config.listenAddress()} in {@link #start}. */
    public TcpTransport(TransportConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.selfId = config.selfId();
        this.clusterKey = config.clusterKey();
        Map<Integer, PeerLink> peers = new TreeMap<>();
        long stableNanos = config.reconnectMax().toNanos();
        config.members().forEach((id, address) -> {
            if (id != selfId) {
                peers.put(id, new PeerLink(selfId, id, address, config.sendQueueCapacity(), stableNanos));
            }
        });
        this.links = Map.copyOf(peers);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, prefix() + "timer"));
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * A transport that listens on an already bound socket (inherited from a supervisor, or bound early to learn
     * an ephemeral port before the members' addresses are written down). Its port must match the configured
     * one unless that is 0. The transport owns the socket from now on.
     */
    public TcpTransport(TransportConfig config, ServerSocket boundListener) {
        this(config);
        Objects.requireNonNull(boundListener, "boundListener");
        if (!boundListener.isBound() || boundListener.isClosed()) {
            throw new IllegalArgumentException("listener must be bound and open");
        }
        int configuredPort = config.listenAddress().getPort();
        if (configuredPort != 0 && configuredPort != boundListener.getLocalPort()) {
            throw new IllegalArgumentException("listener is bound to port " + boundListener.getLocalPort()
                    + " but member " + selfId + " is configured on port " + configuredPort);
        }
        this.server = boundListener;
    }

    /**
     * Binds the listening socket (unless one was given), then starts accepting and dialing every peer.
     *
     * @throws UncheckedIOException  if the listen address cannot be bound
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public void start(Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("transport of member " + selfId + " is closed");
            }
            if (started) {
                throw new IllegalStateException("transport of member " + selfId + " is already started");
            }
            if (server == null) {
                server = bind(config.listenAddress());
            }
            this.receiver = receiver;
            started = true;
            startThread(prefix() + "acceptor", this::runAcceptor);
            for (PeerLink link : links.values()) {
                startThread(prefix() + link.peerId + "-writer", () -> runWriter(link));
                startThread(prefix() + link.peerId + "-dialer", () -> runDialer(link));
            }
        }
    }

    /**
     * Queues {@code payload} (copied) for {@code toId}. Never blocks. Returns false, counting NOT_CONNECTED or
     * QUEUE_FULL, when the payload is dropped. Thread-safe.
     *
     * @throws IllegalArgumentException if {@code toId} is not a peer, or the payload exceeds the frame cap
     */
    @Override
    public boolean send(int toId, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        PeerLink link = links.get(toId);
        if (link == null) {
            throw new IllegalArgumentException(toId + " is not a peer of member " + selfId);
        }
        int maxPayload = config.maxFrameBytes() - FrameCodec.SEALED_OVERHEAD_BYTES;
        if (payload.length > maxPayload) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the maximum of "
                    + maxPayload + " (maxFrameBytes " + config.maxFrameBytes() + ")");
        }
        if (closed || link.current() == null) {
            stats.drop(DropReason.NOT_CONNECTED);
            return false;
        }
        if (!link.queue.offer(payload.clone())) {
            stats.drop(DropReason.QUEUE_FULL);
            return false;
        }
        return true;
    }

    @Override
    public boolean isConnected(int peerId) {
        PeerLink link = links.get(peerId);
        return link != null && link.current() != null;
    }

    @Override
    public void disconnect(int peerId) {
        PeerLink link = links.get(peerId);
        Connection c = link == null ? null : link.current();
        if (c != null) {
            LOG.log(System.Logger.Level.INFO, "member {0}: closing {1} on request (silent peer)", selfId, c);
            closeQuietly(c.socket()); // the reader sees it, the link forgets it, the dialer redials
        }
    }

    /** The id of the member that dialed the current connection to {@code peerId}; empty if not connected. */
    public OptionalInt connectionDialerId(int peerId) {
        PeerLink link = links.get(peerId);
        Connection c = link == null ? null : link.current();
        return c == null ? OptionalInt.empty() : OptionalInt.of(c.dialerId);
    }

    /** The port actually listened on (useful when configured with port 0). */
    public int localPort() {
        synchronized (lifecycle) {
            if (server == null) {
                throw new IllegalStateException("transport of member " + selfId + " is not listening yet");
            }
            return server.getLocalPort();
        }
    }

    @Override
    public TransportStats stats() {
        return stats.snapshot();
    }

    /**
     * Closes the listener and every connection and stops all threads. Idempotent. No payload is delivered
     * after it returns, except by a callback already running.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closedLatch.countDown();
        if (server != null) {
            closeQuietly(server);
        }
        links.values().forEach(PeerLink::close);
        openSockets.forEach(TcpTransport::closeQuietly);
        timer.shutdownNow();
        Thread self = Thread.currentThread();
        threads.stream().filter(t -> t != self).forEach(Thread::interrupt);
    }

    @Override
    public String toString() {
        return "TcpTransport[member " + selfId + " of " + config.clusterName() + "]";
    }

    // ---- accepting ----

    private void runAcceptor() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "member {0}: accept failed: {1}", selfId, e.toString());
                if (pauseUnlessClosed(TimeUnit.MILLISECONDS.toNanos(50))) {
                    return;
                }
                continue;
            }
            track(socket);
            pendingHandshakes.addLast(socket);
            evictOldestHandshakes();
            try {
                startThread(prefix() + "handshake", () -> acceptConnection(socket));
            } catch (RuntimeException | OutOfMemoryError e) {
                pendingHandshakes.remove(socket);
                untrackAndClose(socket);
                throw e;
            }
        }
    }

    private void evictOldestHandshakes() {
        // size() walks the deque: fine for a few dozen entries, and only on accept.
        while (pendingHandshakes.size() > MAX_PENDING_HANDSHAKES) {
            Socket oldest = pendingHandshakes.pollFirst();
            if (oldest == null) return;
            stats.drop(DropReason.HANDSHAKE_EVICTED);
            LOG.log(System.Logger.Level.DEBUG, "member {0}: {1} handshakes pending, closing the oldest, from {2}",
                    selfId, MAX_PENDING_HANDSHAKES, oldest.getRemoteSocketAddress());
            closeQuietly(oldest); // its handshake thread sees the socket closed and ends
        }
    }

    private void acceptConnection(Socket socket) {
        FrameCodec codec = newCodec();
        Connection connection;
        try {
            connection = handshake(socket, codec, (in, out) ->
                    Handshake.accept(in, out, codec, selfId, links::containsKey, nonces));
        } finally {
            pendingHandshakes.remove(socket);
        }
        if (connection == null) {
            return;
        }
        stats.connectionsAccepted.increment();
        PeerLink link = links.get(connection.peerId);
        Thread.currentThread().setName(prefix() + link.peerId + "-reader");
        if (adopt(link, connection)) {
            readLoop(link, connection, codec);
        } else {
            untrackAndClose(socket);
        }
    }

    // ---- dialing ----

    private void runDialer(PeerLink link) {
        ReconnectBackoff backoff = new ReconnectBackoff(config.reconnectInitial(), config.reconnectMax(),
                new SplittableRandom());
        FrameCodec codec = newCodec();
        boolean firstAttempt = true;
        try {
            while (!closed) {
                link.awaitDialNeeded();
                if (closed) {
                    return;
                }
                if (link.takeStableConnectionLost()) {
                    backoff.reset();
                }
                if (!firstAttempt && pauseUnlessClosed(backoff.nextDelayNanos())) {
                    return;
                }
                firstAttempt = false;
                if (!link.wantsDial()) {
                    continue;
                }
                Connection connection = dial(link, codec);
                if (connection != null) {
                    stats.connectionsDialed.increment();
                    if (adopt(link, connection)) {
                        startThread(prefix() + link.peerId + "-reader", () -> readLoop(link, connection, newCodec()));
                    } else {
                        untrackAndClose(connection.socket());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Connection dial(PeerLink link, FrameCodec codec) {
        Socket socket = new Socket();
        track(socket);
        if (closed) {
            untrackAndClose(socket);
            return null;
        }
        try {
            // Re-resolve the configured name on every attempt; never dial an address a peer told us about.
            InetSocketAddress configured = link.configuredAddress;
            InetSocketAddress target = new InetSocketAddress(configured.getHostString(), configured.getPort());
            socket.setTcpNoDelay(true);
            socket.connect(target, Math.toIntExact(Math.max(1, config.connectTimeout().toMillis())));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "member {0}: dialing {1} at {2} failed: {3}", selfId, link.peerId,
                    link.configuredAddress, e.toString());
            untrackAndClose(socket);
            return null;
        }
        Connection connection = handshake(socket, codec, (in, out) ->
                Handshake.dial(in, out, codec, selfId, link.peerId, nonces));
        if (connection == null) {
            untrackAndClose(socket);
        }
        return connection;
    }

    // ---- both sides ----

    @FunctionalInterface
    private interface HandshakeStep {
        Session run(DataInputStream in, OutputStream out) throws IOException, FrameRejectedException;
    }

    /** Runs one side of the handshake under a deadline; returns null (counted, socket closed) on failure. */
    private Connection handshake(Socket socket, FrameCodec codec, HandshakeStep step) {
        HandshakeDeadline deadline;
        try {
            deadline = new HandshakeDeadline(timer, config.handshakeTimeout(), () -> {
                stats.drop(DropReason.HANDSHAKE_TIMEOUT);
                warnHandshake(socket, "timed out");
                closeQuietly(socket);
            });
        } catch (RejectedExecutionException e) {
            untrackAndClose(socket); // the timer is shut down: we are closing
            return null;
        }
        try {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(),
                    READ_BUFFER_BYTES));
            OutputStream out = socket.getOutputStream();
            Session session = step.run(in, out);
            if (!deadline.finish()) {
                untrackAndClose(socket);
                return null;
            }
            return new Connection(socket, in, out, session, selfId, System.nanoTime());
        } catch (FrameRejectedException e) {
            if (deadline.finish()) {
                stats.drop(e.reason());
                warnHandshake(socket, "rejected: " + e.getMessage());
            }
        } catch (IOException e) {
            deadline.finish();
            LOG.log(System.Logger.Level.DEBUG, "member {0}: handshake with {1} failed: {2}", selfId,
                    socket.getRemoteSocketAddress(), e.toString());
        }
        untrackAndClose(socket);
        return null;
    }

    /** Logs a failed handshake, at most once per peer address per period (every failure is still counted). */
    private void warnHandshake(Socket socket, String what) {
        java.net.InetAddress address = socket.getInetAddress();
        String source = address == null ? "unknown" : address.getHostAddress();
        handshakeWarnings.admit(source, System.nanoTime()).ifPresent(held ->
                LOG.log(System.Logger.Level.WARNING, "member {0}: handshake with {1} {2}{3}", selfId,
                        socket.getRemoteSocketAddress(), what, handshakeWarnings.suffix(held)));
    }

    private boolean adopt(PeerLink link, Connection connection) {
        PeerLink.Adoption adoption = link.adopt(connection);
        if (adoption.duplicateClosed() != null) {
            stats.drop(DropReason.DUPLICATE_CONNECTION);
            LOG.log(System.Logger.Level.DEBUG, "member {0}: closed duplicate {1}", selfId,
                    adoption.duplicateClosed());
        }
        if (adoption.adopted()) {
            LOG.log(System.Logger.Level.DEBUG, "member {0}: {1} is up", selfId, connection);
        }
        return adoption.adopted();
    }

    private void readLoop(PeerLink link, Connection connection, FrameCodec codec) {
        long lastSeq = 0;
        try {
            while (true) {
                byte[] body = FrameIo.readBody(connection.in(), codec.maxBodyBytes());
                if (body == null) {
                    break;
                }
                Frame frame = codec.decodeSealed(body, connection.session, connection.inbound(), lastSeq);
                if (!(frame instanceof Frame.Data data)) {
                    throw new FrameRejectedException(DropReason.MALFORMED, "confirm after the handshake");
                }
                lastSeq = data.seq();
                stats.framesReceived.increment();
                deliver(link.peerId, data.payload());
            }
        } catch (FrameRejectedException e) {
            stats.drop(e.reason());
            LOG.log(System.Logger.Level.WARNING, "member {0}: closing {1}: {2}", selfId, connection,
                    e.getMessage());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "member {0}: {1} failed: {2}", selfId, connection, e.toString());
        } finally {
            untrackAndClose(connection.socket());
            connection.close();
            link.lost(connection, System.nanoTime());
        }
    }

    private void deliver(int fromId, byte[] payload) {
        if (closed) {
            return;
        }
        try {
            receiver.onPayload(fromId, payload);
        } catch (RuntimeException e) {
            // The receiver's bug must not cost us the connection, or every peer would see it flap.
            LOG.log(System.Logger.Level.ERROR, "member " + selfId + ": receiver failed on a payload from " + fromId,
                    e);
        }
    }

    private void runWriter(PeerLink link) {
        FrameCodec codec = newCodec();
        try {
            while (!closed) {
                byte[] payload = link.queue.take();
                Connection connection = link.current();
                if (connection == null) {
                    stats.drop(DropReason.NOT_CONNECTED);
                    continue;
                }
                try {
                    connection.sendData(codec, payload);
                    stats.framesSent.increment();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "member {0}: writing to {1} failed: {2}", selfId, connection,
                            e.toString());
                    connection.close();
                    link.lost(connection, System.nanoTime());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- plumbing ----

    private FrameCodec newCodec() {
        return new FrameCodec(config.clusterName(), clusterKey, config.maxFrameBytes());
    }

    private ServerSocket bind(InetSocketAddress configured) {
        InetSocketAddress address = configured.isUnresolved()
                ? new InetSocketAddress(configured.getHostString(), configured.getPort()) : configured;
        try {
            ServerSocket socket = new ServerSocket();
            try {
                // Lets a restarted member bind its port while old connections sit in TIME_WAIT.
                socket.setReuseAddress(true);
                socket.bind(address, ACCEPT_BACKLOG);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("member " + selfId + " cannot listen on " + configured + ": "
                    + e.getMessage(), e);
        }
    }

    /** Waits up to {@code nanos}; returns true if the transport closed meanwhile. */
    private boolean pauseUnlessClosed(long nanos) {
        try {
            return closedLatch.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void startThread(String name, Runnable body) {
        Thread thread = daemon(() -> {
            try {
                body.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, name);
        threads.add(thread);
        thread.start();
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private String prefix() {
        return "baton-transport-" + selfId + "-";
    }

    private void track(Socket socket) {
        openSockets.add(socket);
        if (closed) {
            closeQuietly(socket);
        }
    }

    private void untrackAndClose(Socket socket) {
        openSockets.remove(socket);
        closeQuietly(socket);
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // Nothing to do: we are discarding it.
        }
    }
}
