package dev.baton.agent.check.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 client for plain-{@code http://} health checks, built for thousands of checks per second on
 * one core: one selector thread does all the I/O, each {@link Session} keeps its own idle keep-alive connection,
 * and results complete on that thread without a hand-off. TCP checks use it too ({@link #connect}): a connect
 * that hangs then holds no thread. The JDK's {@code HttpClient} spent about ten times more
 * CPU per request (futures, executors and thread hand-offs; see docs/BENCHMARKS.md), so it is kept for
 * {@code https://} only.
 *
 * <p>Semantics a check relies on: one GET per exchange, no redirects, no proxies, no cookies; the whole exchange
 * (connect, send, response headers and the wanted part of the body) is bounded by the request's timeout. A
 * request on a reused connection that the server closed while it was idle (no byte of a response yet) is retried
 * once on a new connection, within the same deadline, as browsers and HTTP libraries do for idempotent requests.
 *
 * <p>Thread-safe. Futures complete on the client's thread: callbacks on them must be quick and must not block.
 */
public final class PlainHttpClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlainHttpClient.class);
    private static final int READ_BUFFER_BYTES = 16 * 1024;

    /** What one exchange sends and how much of the answer it keeps. */
    public record Request(InetSocketAddress address, byte[] bytes, boolean wantBody, int bodyLimit, long timeoutNanos) {
        public Request {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(bytes, "bytes");
            if (address.isUnresolved()) throw new IllegalArgumentException("address must be resolved: " + address);
            if (timeoutNanos <= 0) throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** The status and the first body bytes (empty unless the request wanted the body). */
    public record Response(int status, byte[] body) {
    }

    /**
     * One caller's connection slot: at most one idle keep-alive connection, reused by that caller's next exchange.
     * A session's exchanges must not overlap (a check never runs twice at once). Close it when done.
     */
    public final class Session implements AutoCloseable {
        // Touched by the client's thread only.
        private SocketChannel idle;
        private SelectionKey idleKey;
        private InetSocketAddress idleAddress;
        private boolean closed;

        private Session() {
        }

        /** Starts one GET on this session; the future completes with the response or an {@link IOException}. */
        public CompletableFuture<Response> send(Request request) {
            return submit(this, request);
        }

        /** Closes the idle connection, if any, and every later one this session would have kept. */
        @Override
        public void close() {
            tasks.add(() -> {
                closed = true;
                dropIdle();
            });
            selector.wakeup();
        }

        private void dropIdle() {
            closeQuietly(idle);
            idle = null;
            idleKey = null;
            idleAddress = null;
        }
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Operation> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private volatile boolean closed;

    public PlainHttpClient(String threadName) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    public Session newSession() {
        return new Session();
    }

    /** Stops the thread, closes every connection and fails exchanges in progress. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<Response> submit(Session session, Request request) {
        CompletableFuture<Response> future = new CompletableFuture<>();
        return enqueue(future, new Exchange(session, request, future, System.nanoTime() + request.timeoutNanos()));
    }

    /** Hands {@code operation} to the client's thread; {@code future} is the operation's. */
    private <T> CompletableFuture<T> enqueue(CompletableFuture<T> future, Operation operation) {
        if (!closed) {
            tasks.add(operation::start);
            selector.wakeup();
        }
        if (closed) future.completeExceptionally(new IOException("HTTP check client is closed"));
        return future;
    }

    private void loop() {
        try {
            while (!closed) {
                Operation first = deadlines.peek();
                long waitMillis = first == null ? 0
                        : Math.max(1, TimeUnit.NANOSECONDS.toMillis(first.deadline - System.nanoTime()) + 1);
                selector.select(waitMillis);
                Runnable task;
                while ((task = tasks.poll()) != null) task.run();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.attachment() instanceof Operation operation) operation.onReady(key);
                }
                expire(System.nanoTime());
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) log.error("HTTP check client thread failed; HTTP checks will fail until restart", e);
        } finally {
            shutDown();
        }
    }

    private void expire(long now) {
        Operation operation;
        while ((operation = deadlines.peek()) != null && (operation.finished || operation.deadline - now <= 0)) {
            deadlines.poll();
            if (!operation.finished) operation.fail(new TimeoutException("not done within the timeout"));
        }
    }

    private void shutDown() {
        closed = true;
        IOException gone = new IOException("HTTP check client is closed");
        for (Operation operation : new ArrayList<>(deadlines)) operation.fail(gone);
        deadlines.clear();
        Runnable task;
        List<Runnable> late = new ArrayList<>();
        while ((task = tasks.poll()) != null) late.add(task);
        late.forEach(Runnable::run); // each new operation then fails at once: closed is set
        for (Operation operation : new ArrayList<>(deadlines)) operation.fail(gone);
        try {
            for (SelectionKey key : selector.keys()) closeQuietly(key.channel());
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            // closing anyway
        }
    }

    /**
     * Opens a TCP connection to {@code address} and closes it at once without sending anything: a TCP check. The
     * future completes when the connection is established, or with the connect's {@link IOException} (a refused
     * connect is a {@link java.net.ConnectException}) or a {@link TimeoutException}.
     */
    public CompletableFuture<Void> connect(InetSocketAddress address, long timeoutNanos) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) throw new IllegalArgumentException("address must be resolved: " + address);
        if (timeoutNanos <= 0) throw new IllegalArgumentException("timeout must be positive");
        CompletableFuture<Void> future = new CompletableFuture<>();
        return enqueue(future, new Connect(address, future, System.nanoTime() + timeoutNanos));
    }

    /** Socket work with a deadline, driven by the client's thread: an HTTP exchange or a bare connect. */
    private abstract class Operation {
        final long deadline;
        final CompletableFuture<?> future;
        SocketChannel channel;
        SelectionKey key;
        boolean finished;

        Operation(long deadline, CompletableFuture<?> future) {
            this.deadline = deadline;
            this.future = future;
        }

        /** Starts on the client's thread: from here on the deadline runs. */
        final void start() {
            if (closed) {
                fail(new IOException("HTTP check client is closed"));
                return;
            }
            if (future.isDone()) return; // cancelled before it started
            deadlines.add(this);
            begin();
        }

        /** Opens or reuses the connection and goes as far as it can without waiting. */
        abstract void begin();

        /** The selector found {@code readyKey} ready: passed on unless it is stale or the operation is over. */
        final void onReady(SelectionKey readyKey) {
            if (!finished && readyKey == key) ready(readyKey);
        }

        /** The operation's current key is ready (connectable, writable or readable). */
        abstract void ready(SelectionKey readyKey);

        /**
         * Opens a non-blocking connection to {@code address}, registered for the connect unless it connected at
         * once, which it returns.
         */
        final boolean open(InetSocketAddress address) throws IOException {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = channel.connect(address);
            key = channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
            return connected;
        }

        /** Ends the operation with {@code e}, closing its connection; nothing once finished. */
        final void fail(Exception e) {
            if (finished) return;
            finished = true;
            closeQuietly(channel);
            future.completeExceptionally(e);
        }
    }

    /** A TCP check's connect: established, then closed at once. */
    private final class Connect extends Operation {
        final InetSocketAddress address;
        final CompletableFuture<Void> done;

        Connect(InetSocketAddress address, CompletableFuture<Void> done, long deadline) {
            super(deadline, done);
            this.address = address;
            this.done = done;
        }

        @Override
        void begin() {
            try {
                if (open(address)) succeed();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        @Override
        void ready(SelectionKey readyKey) {
            try {
                channel.finishConnect();
                succeed();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        private void succeed() {
            finished = true;
            closeQuietly(channel);
            done.complete(null);
        }
    }

    /** One GET, from connection to response, driven by the client's thread. */
    private final class Exchange extends Operation {
        final Session session;
        final Request request;
        final CompletableFuture<Response> response;
        boolean reused;
        boolean retried;
        boolean leftover;
        ResponseParser parser;
        ByteBuffer out;

        Exchange(Session session, Request request, CompletableFuture<Response> response, long deadline) {
            super(deadline, response);
            this.session = session;
            this.request = request;
            this.response = response;
        }

        @Override
        void begin() {
            if (session.idle != null && session.idleAddress.equals(request.address()) && session.idle.isOpen()) {
                channel = session.idle;
                key = session.idleKey;
                session.idle = null;
                session.idleKey = null;
                reused = true;
                key.attach(this);
                send();
            } else {
                session.dropIdle();
                connect();
            }
        }

        private void connect() {
            reused = false;
            try {
                if (open(request.address())) send();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        @Override
        void ready(SelectionKey readyKey) {
            try {
                if (readyKey.isConnectable()) {
                    channel.finishConnect();
                    send();
                } else if (readyKey.isWritable()) {
                    write();
                } else if (readyKey.isReadable()) {
                    read();
                }
            } catch (CancelledKeyException e) {
                fail(new IOException("connection closed"));
            } catch (IOException | RuntimeException e) {
                failOrRetry(e);
            }
        }

        private void send() {
            if (finished) return;
            parser = new ResponseParser(request.wantBody(), request.bodyLimit());
            out = ByteBuffer.wrap(request.bytes());
            try {
                write();
            } catch (IOException | RuntimeException e) {
                failOrRetry(e);
            }
        }

        private void write() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void read() throws IOException {
            while (!finished) {
                readBuffer.clear();
                int n = channel.read(readBuffer);
                if (n == 0) return;
                if (n < 0) {
                    if (reused && !parser.receivedAnything()) {
                        retry(new IOException("kept-alive connection closed by the server"));
                    } else {
                        parser.endOfStream();
                        succeed();
                    }
                    return;
                }
                readBuffer.flip();
                if (parser.feed(readBuffer) == ResponseParser.Progress.DONE) {
                    // Bytes past the end of the response would corrupt the next one: such a server gets no reuse.
                    leftover = readBuffer.hasRemaining();
                    succeed();
                    return;
                }
            }
        }

        private void failOrRetry(Exception e) {
            if (reused && parser != null && !parser.receivedAnything() && !(e instanceof HttpProtocolException)) {
                retry(e);
            } else {
                fail(e);
            }
        }

        /** The server dropped an idle kept-alive connection just as we used it: once more on a new one. */
        private void retry(Exception cause) {
            closeQuietly(channel);
            if (retried) {
                fail(cause);
                return;
            }
            retried = true;
            connect();
        }

        private void succeed() {
            finished = true;
            // A session holds one idle connection: one that outlived its caller's wait may find another there.
            boolean keep = parser.reusable() && !leftover && !session.closed && !future.isDone() && session.idle == null;
            if (keep) {
                key.interestOps(0);
                key.attach(null);
                session.idle = channel;
                session.idleKey = key;
                session.idleAddress = request.address();
            } else {
                closeQuietly(channel);
            }
            response.complete(new Response(parser.status(), parser.body()));
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
