package dev.baton.agent.publish;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Runs every publisher of a node as a level-triggered reconciler. A timer thread looks at each publisher's
 * intent every {@link #TICK_MILLIS} (and at once on {@link #poke()}); a due reconcile runs on a worker thread
 * of its own, so a slow or failing publisher never delays another, nor the DNS server, nor the agent loop.
 * At most one reconcile per publisher is in flight, so there are at most as many workers as publishers.
 *
 * <p>Leader-only publishers run only while {@link Leadership#leads()}; a new leader resumes where the old one
 * stopped because every publisher reads what is published before it writes.
 */
public final class PublishEngine implements AutoCloseable {
    /**
     * How often intents are looked at without a poke: it bounds how late a node-local publisher (a VIP) reacts
     * to losing currentness, which nothing pokes.
     */
    public static final long TICK_MILLIS = 50;

    private final Leadership leadership;
    private final LongSupplier monotonicMillis;
    private final Clock wallClock;
    private final RandomGenerator random;
    private final List<ReconcileLoop> loops = new ArrayList<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;
    private final AtomicBoolean pokeQueued = new AtomicBoolean();
    private volatile boolean started;

    public PublishEngine(Leadership leadership, LongSupplier monotonicMillis, Clock wallClock, RandomGenerator random) {
        this.leadership = leadership;
        this.monotonicMillis = monotonicMillis;
        this.wallClock = wallClock;
        this.random = random;
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("baton-publish-timer", null));
        this.workers = Executors.newCachedThreadPool(daemon("baton-publish-", new AtomicInteger()));
    }

    /** Adds a publisher of {@code scope}, whose intent {@code intents} computes (cheaply, non-blocking). */
    public synchronized void add(String scope, Publisher publisher, Supplier<Optional<Intent>> intents) {
        if (started) throw new IllegalStateException("add publishers before start()");
        loops.add(new ReconcileLoop(scope, publisher, intents, leadership, monotonicMillis, wallClock, random));
    }

    public synchronized void start() {
        if (started || loops.isEmpty()) {
            started = true;
            return;
        }
        started = true;
        timer.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Something changed (a decision applied, leadership gained or lost): look at every intent now. */
    public void poke() {
        if (!started || loops.isEmpty() || !pokeQueued.compareAndSet(false, true)) return;
        try {
            timer.execute(() -> {
                pokeQueued.set(false);
                tick();
            });
        } catch (RejectedExecutionException e) {
            pokeQueued.set(false); // closing
        }
    }

    private void tick() {
        for (ReconcileLoop loop : loops) {
            Optional<Intent> intent;
            try {
                intent = loop.due();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(PublishEngine.class).error("publisher {} of {}: intent failed",
                        loop.publisher().kind(), loop.scope(), e);
                continue;
            }
            if (intent.isEmpty()) continue;
            try {
                workers.execute(() -> {
                    loop.run(intent.get());
                    poke(); // the intent may have moved on while this ran
                });
            } catch (RejectedExecutionException e) {
                return; // closing
            }
        }
    }

    /** Every publisher's status, in the order they were added. */
    public List<PublisherStatus> status() {
        List<PublisherStatus> out = new ArrayList<>(loops.size());
        for (ReconcileLoop loop : loops) out.add(loop.status());
        return out;
    }

    public boolean isEmpty() {
        return loops.isEmpty();
    }

    /** Stops the timer and interrupts reconciles in flight, then closes every publisher. */
    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ReconcileLoop loop : loops) {
            try {
                loop.publisher().close();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(PublishEngine.class).warn("closing {} failed: {}",
                        loop.publisher().kind(), e.toString());
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name, AtomicInteger counter) {
        return r -> {
            Thread t = new Thread(r, counter == null ? name : name + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
