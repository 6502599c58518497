package dev.baton.agent.publish;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Drives one {@link Publisher} towards its scope's {@link Intent}: decides on each engine tick whether a
 * reconcile is due (the intent changed, a retry's backoff ran out, or the resync period passed), runs at most
 * one at a time, and keeps the status. The tick runs on the engine's timer thread; {@link #run} on a worker.
 */
final class ReconcileLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
    /** After the gate refused (lease too short), look again soon: the next heartbeat may renew it. */
    static final long NOT_LEADING_RETRY_MILLIS = 100;
    /** A failure with the same message is logged again at most this often. */
    static final long REPEAT_LOG_MILLIS = 60_000;

    private final String scope;
    private final Publisher publisher;
    private final Supplier<Optional<Intent>> intents;
    private final Leadership leadership;
    private final LongSupplier monotonicMillis;
    private final Clock wallClock;
    private final RandomGenerator random;

    // Guarded by this.
    private boolean running;
    private Intent confirmed;
    private Intent failedIntent;
    private long nextRunAt;
    private long pendingSince = -1;
    private PublishState state = PublishState.WAITING;
    private String published;
    private Fence publishedFence;
    private int failures;
    private Instant lastSuccess;
    private String lastError;
    private Instant lastErrorAt;
    private long lastErrorLoggedAt = Long.MIN_VALUE;
    private Long publishMillis;
    private String detail = "";

    ReconcileLoop(String scope, Publisher publisher, Supplier<Optional<Intent>> intents, Leadership leadership,
                  LongSupplier monotonicMillis, Clock wallClock, RandomGenerator random) {
        this.scope = Objects.requireNonNull(scope, "scope");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.intents = intents;
        this.leadership = leadership;
        this.monotonicMillis = monotonicMillis;
        this.wallClock = wallClock;
        this.random = random;
    }

    /** The intent to reconcile now, when a run is due; marks the loop running. Timer thread. */
    synchronized Optional<Intent> due() {
        if (running) return Optional.empty();
        Optional<Intent> maybe = intents.get();
        long now = monotonicMillis.getAsLong();
        if (maybe.isEmpty()) {
            state = PublishState.WAITING;
            return Optional.empty();
        }
        Intent intent = maybe.get();
        if (publisher.authority() == Publisher.Authority.LEADER && !leadership.leads()) {
            // Another leader may publish meanwhile: a later leadership re-reads before it trusts anything.
            state = PublishState.STANDBY;
            confirmed = null;
            failedIntent = null;
            pendingSince = -1;
            return Optional.empty();
        }
        boolean changed = !intent.equals(confirmed);
        if (changed && pendingSince < 0) pendingSince = now;
        if (changed && state != PublishState.FAILING) state = PublishState.PENDING;
        // A new intent is tried at once, even in the middle of a backoff: it may succeed where the old one failed.
        boolean dueNow = changed && !intent.equals(failedIntent) || now >= nextRunAt;
        if (!dueNow) return Optional.empty();
        running = true;
        return Optional.of(intent);
    }

    /** Runs one reconcile of {@code intent}. Worker thread; never throws. */
    void run(Intent intent) {
        WriteGate gate = publisher.authority() == Publisher.Authority.LEADER ? leadership.gate(intent) : WriteGate.LOCAL;
        try {
            Outcome outcome = publisher.reconcile(intent, gate);
            succeeded(intent, outcome);
        } catch (PublishException e) {
            failed(intent, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish();
        } catch (RuntimeException e) {
            LOG.error("{} {} for {}: internal error", publisher.kind(), publisher.target(), scope, e);
            failed(intent, new PublishException(PublishException.Kind.TRANSIENT, "internal error: " + e));
        }
    }

    private synchronized void succeeded(Intent intent, Outcome outcome) {
        long now = monotonicMillis.getAsLong();
        boolean superseded = outcome.result() == Outcome.Result.SUPERSEDED;
        if (outcome.result() == Outcome.Result.WRITTEN && pendingSince >= 0) publishMillis = now - pendingSince;
        if (!superseded && (outcome.result() == Outcome.Result.WRITTEN || !intent.equals(confirmed))) {
            LOG.info("{}: {} {} now {} ({}){}", scope, publisher.kind(), publisher.target(), outcome.published(),
                    intent.fence(), outcome.result() == Outcome.Result.WRITTEN && publishMillis != null
                            ? ", published in " + publishMillis + " ms" : ", already in place");
        } else if (superseded && state != PublishState.SUPERSEDED) {
            LOG.warn("{}: {} {} is superseded: {}; this node writes nothing", scope, publisher.kind(),
                    publisher.target(), outcome.detail());
        }
        confirmed = intent;
        failedIntent = null;
        pendingSince = -1;
        failures = 0;
        state = superseded ? PublishState.SUPERSEDED : PublishState.IN_SYNC;
        published = outcome.published();
        publishedFence = intent.fence();
        detail = outcome.detail();
        lastSuccess = wallClock.instant();
        nextRunAt = now + publisher.resyncMillis();
        running = false;
    }

    private synchronized void failed(Intent intent, PublishException e) {
        long now = monotonicMillis.getAsLong();
        running = false;
        if (e.kind() == PublishException.Kind.NOT_LEADING) {
            // Nothing was sent: not a failure of the target, only of our right to write.
            state = leadership.leads() ? PublishState.PENDING : PublishState.STANDBY;
            detail = e.getMessage();
            failedIntent = intent;
            nextRunAt = now + NOT_LEADING_RETRY_MILLIS;
            return;
        }
        failures++;
        failedIntent = intent;
        state = PublishState.FAILING;
        long delay = e.kind() == PublishException.Kind.CONFIGURATION
                ? RetryBackoff.CONFIGURATION_MILLIS
                : RetryBackoff.delayMillis(failures, random);
        if (e.retryAfter().isPresent()) delay = Math.max(delay, e.retryAfter().get().toMillis());
        nextRunAt = now + delay;
        boolean newMessage = !e.getMessage().equals(lastError);
        lastError = e.getMessage();
        lastErrorAt = wallClock.instant();
        if (newMessage || now - lastErrorLoggedAt >= REPEAT_LOG_MILLIS) {
            lastErrorLoggedAt = now;
            LOG.warn("{}: {} {} failed (attempt {}, next in {} ms): {}", scope, publisher.kind(), publisher.target(),
                    failures, delay, e.getMessage());
        }
    }

    private synchronized void finish() {
        running = false;
    }

    synchronized PublisherStatus status() {
        return new PublisherStatus(scope, publisher.kind(), publisher.target(), state, Optional.ofNullable(published),
                Optional.ofNullable(publishedFence), failures, Optional.ofNullable(lastSuccess),
                Optional.ofNullable(lastError), Optional.ofNullable(lastErrorAt), Optional.ofNullable(publishMillis),
                detail);
    }

    String scope() {
        return scope;
    }

    Publisher publisher() {
        return publisher;
    }
}
