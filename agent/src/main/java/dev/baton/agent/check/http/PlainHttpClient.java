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
 * and results complete on that thread without a hand-off. The JDK's {@code HttpClient} spent about ten times more
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
    private final PriorityQueue<Exchange> deadlines = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
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
        if (closed) {
            future.completeExceptionally(new IOException("HTTP check client is closed"));
            return future;
        }
        Exchange exchange = new Exchange(session, request, future, System.nanoTime() + request.timeoutNanos());
        tasks.add(exchange::start);
        selector.wakeup();
        if (closed) future.completeExceptionally(new IOException("HTTP check client is closed"));
        return future;
    }

    private void loop() {
        try {
            while (!closed) {
                Exchange first = deadlines.peek();
                long waitMillis = first == null ? 0
                        : Math.max(1, TimeUnit.NANOSECONDS.toMillis(first.deadline - System.nanoTime()) + 1);
                selector.select(waitMillis);
                Runnable task;
                while ((task = tasks.poll()) != null) task.run();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.attachment() instanceof Exchange exchange) exchange.ready(key);
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
        Exchange exchange;
        while ((exchange = deadlines.peek()) != null && (exchange.finished || exchange.deadline - now <= 0)) {
            deadlines.poll();
            if (!exchange.finished) {
                exchange.fail(new TimeoutException("no complete response within the timeout"));
            }
        }
    }

    private void shutDown() {
        closed = true;
        IOException gone = new IOException("HTTP check client is closed");
        for (Exchange exchange : new ArrayList<>(deadlines)) exchange.fail(gone);
        deadlines.clear();
        Runnable task;
        List<Runnable> late = new ArrayList<>();
        while ((task = tasks.poll()) != null) late.add(task);
        late.forEach(Runnable::run); // each new exchange then fails at once: closed is set
        for (Exchange exchange : new ArrayList<>(deadlines)) exchange.fail(gone);
        try {
            for (SelectionKey key : selector.keys()) closeQuietly(key.channel());
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            // closing anyway
        }
    }

    /** One GET, from connection to response, driven by the client's thread. */
    private final class Exchange {
        final Session session;
        final Request request;
        final CompletableFuture<Response> future;
        final long deadline;
        SocketChannel channel;
        SelectionKey key;
        boolean reused;
        boolean retried;
        boolean finished;
        boolean leftover;
        ResponseParser parser;
        ByteBuffer out;

        Exchange(Session session, Request request, CompletableFuture<Response> future, long deadline) {
            this.session = session;
            this.request = request;
            this.future = future;
            this.deadline = deadline;
        }

        void start() {
            if (closed) {
                fail(new IOException("HTTP check client is closed"));
                return;
            }
            if (future.isDone()) return; // cancelled before it started
            deadlines.add(this);
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
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean connected = channel.connect(request.address());
                key = channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
                if (connected) send();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        void ready(SelectionKey readyKey) {
            if (finished || readyKey != key) return;
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
            future.complete(new Response(parser.status(), parser.body()));
        }

        void fail(Exception e) {
            if (finished) return;
            finished = true;
            closeQuietly(channel);
            future.completeExceptionally(e);
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
