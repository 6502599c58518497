package dev.baton.agent.runtime;

import dev.baton.agent.check.HealthListener;
import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;
import dev.baton.agent.check.ProbeResult;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's own view of every instance, fed by its check runner. Thread-safe: written by check threads,
 * read by the agent's loop. {@code changed} is told (and must return quickly) after every change.
 */
final class Observations implements HealthListener {
    /** A node re-sends its view this often even when nothing changed, so the leader sees it is alive. */
    static final long REPORT_INTERVAL_MILLIS = 250;
    /** A view not renewed within this long does not count in the verdict. */
    static final long STALE_AFTER_MILLIS = 4 * REPORT_INTERVAL_MILLIS;

    private final Map<InstanceKey, InstanceHealth> view = new ConcurrentHashMap<>();
    private final Map<InstanceKey, ProbeResult> lastResults = new ConcurrentHashMap<>();
    /** When (wall clock, epoch ms) each instance last changed state in this node's view: for the status document. */
    private final Map<InstanceKey, Long> changedAtMillis = new ConcurrentHashMap<>();
    /** A full report at least this often, so a leader that missed a delta (a reconnect) catches up. */
    static final long FULL_REPORT_INTERVAL_MILLIS = 1_000;

    /** Changes not yet announced to the peers ({@link ChangeNotice}): the latest state of each changed instance. */
    private final Map<InstanceKey, InstanceHealth> unannounced = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    // Report state, agent loop thread only.
    private Map<InstanceKey, InstanceHealth> lastSent = Map.of();
    private int lastLeader;
    private long lastFullMillis = Long.MIN_VALUE;
    private final Runnable changed;

    Observations(Runnable changed) {
        this.changed = changed;
    }

    void track(InstanceKey key) {
        view.put(key, InstanceHealth.UNKNOWN);
    }

    @Override
    public void onChange(String service, String instance, InstanceHealth newState, ProbeResult lastResult) {
        InstanceKey key = new InstanceKey(service, instance);
        view.put(key, newState);
        lastResults.put(key, lastResult);
        changedAtMillis.put(key, System.currentTimeMillis());
        unannounced.put(key, newState);
        changed.run();
    }

    /** The changes since the last call (each instance's latest state), to tell the peers; empty if none. */
    Map<InstanceKey, InstanceHealth> takeUnannounced() {
        Map<InstanceKey, InstanceHealth> out = new TreeMap<>();
        for (Map.Entry<InstanceKey, InstanceHealth> e : unannounced.entrySet()) {
            // remove(key, value): a change recorded meanwhile stays for the next call
            if (unannounced.remove(e.getKey(), e.getValue())) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** When the instance last changed state in this node's view; empty if it never has. */
    Optional<Instant> changedAt(InstanceKey key) {
        return Optional.ofNullable(changedAtMillis.get(key)).map(Instant::ofEpochMilli);
    }

    /** This node's current view of one instance ({@code UNKNOWN} for one it does not check). */
    InstanceHealth health(InstanceKey key) {
        return view.getOrDefault(key, InstanceHealth.UNKNOWN);
    }

    Map<InstanceKey, InstanceHealth> snapshot() {
        return new TreeMap<>(view);
    }

    /** A full report of every instance. */
    ObservationReport report(int node) {
        return new ObservationReport(node, seq.incrementAndGet(), true, snapshot());
    }

    /**
     * The next report to {@code leader} at {@code nowMillis}: full for a new leader and at least every
     * {@link #FULL_REPORT_INTERVAL_MILLIS}, otherwise what changed since the previous report. Agent loop
     * thread only.
     */
    ObservationReport reportTo(int node, int leader, long nowMillis) {
        Map<InstanceKey, InstanceHealth> now = snapshot();
        boolean full = leader != lastLeader || lastFullMillis == Long.MIN_VALUE
                || nowMillis - lastFullMillis >= FULL_REPORT_INTERVAL_MILLIS;
        Map<InstanceKey, InstanceHealth> health;
        if (full) {
            health = now;
            lastFullMillis = nowMillis;
        } else {
            health = new TreeMap<>();
            for (Map.Entry<InstanceKey, InstanceHealth> e : now.entrySet()) {
                if (e.getValue() != lastSent.get(e.getKey())) health.put(e.getKey(), e.getValue());
            }
        }
        lastSent = now;
        lastLeader = leader;
        return new ObservationReport(node, seq.incrementAndGet(), full, health);
    }
}
