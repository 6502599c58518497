package dev.baton.agent.check;

import dev.baton.agent.check.http.PlainHttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks of many instances and tells a {@link HealthListener} when one changes state.
 *
 * <p>Threads, and why it scales to thousands of instances: one timer thread only decides when each instance is
 * due; a bounded worker pool ({@value #MIN_WORKER_THREADS} threads plus one per exec check, at most
 * {@value #MAX_WORKER_THREADS}) runs the blocking parts (process starts and waits, host name lookups), so a
 * hanging command ties up one worker, never the timer. Plain HTTP and TCP checks of an IP address are started
 * by the timer thread itself and run on one selector thread ({@link PlainHttpClient}); HTTPS checks are
 * asynchronous on one shared JDK client. None of these holds a thread while it waits. No thread is created per
 * instance.
 *
 * <p>Pitfall (HTTPS checks): the JDK HTTP client completes every {@code sendAsync} future on CompletableFuture's
 * default executor, which is a new thread per task when the common ForkJoinPool has parallelism 1 (the default on
 * machines with two cores or fewer). The daemon should set {@code java.util.concurrent.ForkJoinPool.common.parallelism}
 * to at least 2 before anything touches the pool; {@link ProbeFactory} warns when it builds that client and it is not.
 *
 * <p>Timing: each instance gets a random offset in [0, interval) when added, so instances added together do not
 * fire together; after that, run k of an instance is due at {@code offset + k * interval}, shifted by a random
 * jitter in [0, jitter] drawn for each run, and starts on the next boundary of a {@link #TICK_NANOS} tick. A run
 * that is due while the previous one of the same instance is still
 * in progress is skipped and counted (never started twice). A runner that falls more than one interval behind
 * (e.g. the process was paused) resumes from now instead of firing the missed runs in a burst.
 *
 * <p>Thread-safe. {@link #close()} stops everything, aborting runs in progress (killing exec process trees).
 */
public final class CheckRunner implements AutoCloseable {
    public static final int MIN_WORKER_THREADS = 4;
    public static final int MAX_WORKER_THREADS = 64;
    static final int HTTP_CLIENT_THREADS = 2;
    static final int HTTP_CLIENT_QUEUE = 10_000;
    /**
     * Scheduled runs start on the boundaries of ticks this long, so the runs due within one tick start together:
     * one timer wake-up and one wake-up of the HTTP client's selector per tick rather than per check. At 2,000
     * checks/s spread evenly, the wake-ups, not the checks, were most of a node's CPU, in the kernel (issue 8).
     * A run starts at most this much after it was due; expedited runs start at once.
     */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final Logger log = LoggerFactory.getLogger(CheckRunner.class);

    private final HealthListener listener;
    private final Random random;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor workers;
    private final ExecutorService httpExecutor;
    private final PlainHttpClient plainHttp;
    private final ProbeFactory probes;
    private final Map<InstanceKey, ScheduledCheck> checks = new ConcurrentHashMap<>();
    private final AtomicInteger blockingChecks = new AtomicInteger();
    private volatile boolean closed;

    public CheckRunner(HealthListener listener) {
        this(listener, new Random());
    }

    /** @param random draws the initial offsets and jitters; inject a seeded one for reproducible tests */
    public CheckRunner(HealthListener listener, Random random) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.random = Objects.requireNonNull(random, "random");
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("baton-check-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.workers = new ThreadPoolExecutor(MIN_WORKER_THREADS, MAX_WORKER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("baton-check-worker"));
        workers.allowCoreThreadTimeOut(true);
        // The HTTP client's work is mostly non-blocking, so two threads suffice; an unbounded cached pool (the
        // client's default) grew to hundreds of threads under load, and one that grows whenever both threads are
        // busy sat at its bound and burned more CPU. But the client also resolves host names on this executor, so
        // when a slow resolver stalls both threads the queue fills and extra threads are added up to a bound;
        // past that the submitting thread runs the task (the client must never see a rejection).
        this.httpExecutor = new ThreadPoolExecutor(HTTP_CLIENT_THREADS, MAX_WORKER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(HTTP_CLIENT_QUEUE), daemonThreads("baton-check-http"),
                new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            this.plainHttp = new PlainHttpClient("baton-check-http-io");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the HTTP check client's selector", e);
        }
        this.probes = new ProbeFactory(workers, httpExecutor, plainHttp);
    }

    /**
     * Starts checking an instance.
     *
     * @throws IllegalArgumentException if the spec's timing or target is invalid (the message names the instance
     *                                  and the problem)
     * @throws IllegalStateException    if the instance is already checked, or the runner is closed
     */
    public void add(String service, String instance, CheckSpec spec) {
        InstanceKey key = new InstanceKey(service, instance);
        Objects.requireNonNull(spec, "spec");
        validate(key, spec.timing());
        Probe probe;
        try {
            probe = probes.create(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("check for " + key + ": " + e.getMessage(), e);
        }
        ScheduledCheck check = new ScheduledCheck(key, spec, probe);
        synchronized (this) {
            if (closed) throw new IllegalStateException("check runner is closed");
            if (checks.putIfAbsent(key, check) != null) throw new IllegalStateException(key + " is already checked");
            if (check.blocking) resizeWorkers(blockingChecks.incrementAndGet());
            check.start();
        }
    }

    /** Stops checking an instance, aborting a run in progress; returns whether it was checked. */
    public boolean remove(String service, String instance) {
        ScheduledCheck check;
        synchronized (this) {
            check = checks.remove(new InstanceKey(service, instance));
            if (check == null) return false;
            if (check.blocking) resizeWorkers(blockingChecks.decrementAndGet());
        }
        check.cancel();
        return true;
    }

    /** The current state of every checked instance, ordered by service then instance. */
    public Map<InstanceKey, InstanceStatus> snapshot() {
        Map<InstanceKey, InstanceStatus> result = new TreeMap<>();
        checks.forEach((key, check) -> result.put(key, check.status()));
        return result;
    }

    public Optional<InstanceStatus> status(String service, String instance) {
        return Optional.ofNullable(checks.get(new InstanceKey(service, instance))).map(ScheduledCheck::status);
    }

    /**
     * Runs the instance's check now, out of its schedule (expedited confirmation: a peer saw it change state). The
     * run counts like any other for the rise/fall thresholds and reports a change to the listener the same way;
     * the schedule is not shifted. When a run is in progress, the expedited one starts as soon as it completes:
     * the run in progress may have started before what the peer saw, so its result confirms nothing. Several
     * requests meanwhile make one run. Returns at once; runs start on the runner's own threads.
     *
     * @return whether a run was started or queued: false when the instance is not checked here or the runner is
     * closed
     */
    public boolean expedite(String service, String instance) {
        ScheduledCheck check = checks.get(new InstanceKey(service, instance));
        return check != null && !closed && check.expedite();
    }

    /** Runs skipped so far, over all current instances, because the previous run was still in progress. */
    public long skippedRuns() {
        return checks.values().stream().mapToLong(c -> c.skipped.get()).sum();
    }

    /** Stops all checks and threads; aborts runs in progress. Idempotent; the listener is not called afterwards. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        checks.values().forEach(ScheduledCheck::cancel);
        checks.clear();
        timer.shutdownNow();
        workers.shutdownNow();
        httpExecutor.shutdownNow();
        plainHttp.close();
    }

    private void resizeWorkers(int blocking) {
        workers.setCorePoolSize(Math.min(MAX_WORKER_THREADS, MIN_WORKER_THREADS + blocking));
    }

    private static void validate(InstanceKey key, CheckSpec.Timing timing) {
        requirePositive(key, "interval", timing.interval());
        requirePositive(key, "timeout", timing.timeout());
        if (timing.jitter().isNegative()) {
            throw new IllegalArgumentException("check for " + key + ": jitter must not be negative, not " + timing.jitter());
        }
    }

    private static void requirePositive(InstanceKey key, String what, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("check for " + key + ": " + what + " must be positive, not " + value);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One instance's schedule, in-flight run and tracker. */
    private final class ScheduledCheck {
        final InstanceKey key;
        final Probe probe;
        final boolean blocking;
        final long intervalNanos;
        final long jitterNanos;
        final AtomicBoolean inFlight = new AtomicBoolean();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong expedited = new AtomicLong();
        /** An expedited run asked for while one was in progress: started when that one completes. */
        final AtomicBoolean expediteQueued = new AtomicBoolean();
        private final HealthTracker tracker;
        private ProbeResult lastResult; // guarded by this
        private long runs; // guarded by this
        private long failedRuns; // guarded by this
        private long latencyNanosTotal; // guarded by this
        private long nominalNanos; // touched by the timer thread only, after start()
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> next;
        private volatile CompletableFuture<ProbeResult> current;

        ScheduledCheck(InstanceKey key, CheckSpec spec, Probe probe) {
            this.key = key;
            this.probe = probe;
            this.blocking = spec instanceof CheckSpec.Exec; // HTTP and TCP checks wait on the selector thread
            this.intervalNanos = spec.timing().interval().toNanos();
            this.jitterNanos = spec.timing().jitter().toNanos();
            this.tracker = new HealthTracker(spec.timing().rise(), spec.timing().fall());
        }

        void start() {
            long offset = random.nextLong(intervalNanos);
            nominalNanos = System.nanoTime() + offset;
            schedule(offset + jitter());
        }

        private long jitter() {
            return jitterNanos == 0 ? 0 : random.nextLong(jitterNanos + 1);
        }

        private void schedule(long delayNanos) {
            try {
                long now = System.nanoTime();
                long due = now + Math.max(0, delayNanos);
                long onTick = Math.floorDiv(due, TICK_NANOS) * TICK_NANOS + (Math.floorMod(due, TICK_NANOS) == 0 ? 0 : TICK_NANOS);
                next = timer.schedule(this::fire, onTick - now, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                return; // the runner is closing
            }
            if (cancelled) next.cancel(false); // remove() raced with this reschedule
        }

        private void fire() {
            if (cancelled) return;
            long now = System.nanoTime();
            nominalNanos += intervalNanos;
            if (nominalNanos < now - intervalNanos) nominalNanos = now;
            schedule(nominalNanos + jitter() - now);
            if (!inFlight.compareAndSet(false, true)) {
                skipped.incrementAndGet();
                return;
            }
            if (probe.startsQuickly()) {
                launch(); // it only queues I/O: a hand-off to a worker would cost more than the call
                return;
            }
            hand(workers);
        }

        boolean expedite() {
            if (cancelled) return false;
            expediteQueued.set(true);
            startQueuedExpedite(); // a run in progress starts it when it completes
            return true;
        }

        /** Starts the queued expedited run unless a run is in progress (whose completion calls this again). */
        private void startQueuedExpedite() {
            while (expediteQueued.get() && !cancelled && inFlight.compareAndSet(false, true)) {
                if (expediteQueued.getAndSet(false)) {
                    expedited.incrementAndGet();
                    // Never on the caller's thread (the election's callback thread, or the completing run's): the
                    // timer starts quick probes.
                    hand(probe.startsQuickly() ? timer : workers);
                    return;
                }
                inFlight.set(false); // another thread started it meanwhile; look again
            }
        }

        /** Starts the run on {@code executor}; the in-flight flag is already taken and is released on refusal. */
        private void hand(Executor executor) {
            try {
                executor.execute(this::launch);
            } catch (RejectedExecutionException e) {
                inFlight.set(false); // the runner is closing
            }
        }

        private void launch() {
            if (cancelled) {
                inFlight.set(false);
                return;
            }
            CompletableFuture<ProbeResult> run = probe.run();
            current = run;
            if (cancelled) run.cancel(true);
            run.whenComplete(this::completed);
        }

        private void completed(ProbeResult result, Throwable error) {
            try {
                if (error != null || result == null || cancelled) return;
                boolean changed;
                InstanceHealth state;
                synchronized (this) {
                    runs++;
                    if (!result.healthy()) failedRuns++;
                    latencyNanosTotal += result.latency().toNanos();
                    lastResult = result;
                    changed = tracker.record(result.healthy());
                    state = tracker.state();
                }
                if (changed) notifyChange(state, result);
            } finally {
                current = null;
                inFlight.set(false); // only now may the next run start: keeps listener calls serial per instance
                startQueuedExpedite();
            }
        }

        private void notifyChange(InstanceHealth state, ProbeResult result) {
            log.info("{} is now {} ({}, {} ms)", key, state, result.detail(), result.latency().toMillis());
            try {
                listener.onChange(key.service(), key.instance(), state, result);
            } catch (RuntimeException e) {
                log.warn("health listener failed on {} becoming {}", key, state, e);
            }
        }

        synchronized InstanceStatus status() {
            return new InstanceStatus(tracker.state(), Optional.ofNullable(lastResult), tracker.consecutivePasses(),
                    tracker.consecutiveFailures(), runs, failedRuns, latencyNanosTotal, skipped.get(), expedited.get());
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> scheduled = next;
            if (scheduled != null) scheduled.cancel(false);
            CompletableFuture<ProbeResult> run = current;
            if (run != null) run.cancel(true);
            probe.close();
        }
    }
}
