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
    /** Changes not yet in a report to the leader: a delta report carries these, not a diff of two snapshots. */
    private final Map<InstanceKey, InstanceHealth> unreported = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    /** Counts changes to the view: the leader's decision pass skips its work while nothing it reads has moved. */
    private final AtomicLong version = new AtomicLong();
    // Report state, agent loop thread only.
    private int lastLeader;
    private long lastFullMillis = Long.MIN_VALUE;
    private final Runnable changed;

    Observations(Runnable changed) {
        this.changed = changed;
    }

    void track(InstanceKey key) {
        view.put(key, InstanceHealth.UNKNOWN);
        version.incrementAndGet();
    }

    @Override
    public void onChange(String service, String instance, InstanceHealth newState, ProbeResult lastResult) {
        InstanceKey key = new InstanceKey(service, instance);
        view.put(key, newState);
        lastResults.put(key, lastResult);
        changedAtMillis.put(key, System.currentTimeMillis());
        unannounced.put(key, newState);
        unreported.put(key, newState);
        version.incrementAndGet();
        changed.run();
    }

    /** The changes since the last call (each instance's latest state), to tell the peers; empty if none. */
    Map<InstanceKey, InstanceHealth> takeUnannounced() {
        return take(unannounced);
    }

    /** Empties {@code changes}, sorted; remove(key, value): a change recorded meanwhile stays for the next call. */
    private static Map<InstanceKey, InstanceHealth> take(Map<InstanceKey, InstanceHealth> changes) {
        if (changes.isEmpty()) return Map.of();
        Map<InstanceKey, InstanceHealth> out = new TreeMap<>();
        for (Map.Entry<InstanceKey, InstanceHealth> e : changes.entrySet()) {
            if (changes.remove(e.getKey(), e.getValue())) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** How many times the view has changed so far: equal values mean an unchanged view. */
    long version() {
        return version.get();
    }

    /** When the instance last changed state in this node's view; empty if it never has. */
    Optional<Instant> changedAt(InstanceKey key) {
        return Optional.ofNullable(changedAtMillis.get(key)).map(Instant::ofEpochMilli);
    }

    /** This node's current view of one instance ({@code UNKNOWN} for one it does not check). */
    InstanceHealth health(InstanceKey key) {
        return view.getOrDefault(key, InstanceHealth.UNKNOWN);
    }

    /** How many instances this node sees in each state, without copying the view (for the status summary). */
    Map<InstanceHealth, Integer> countByHealth() {
        Map<InstanceHealth, Integer> out = new java.util.EnumMap<>(InstanceHealth.class);
        for (InstanceHealth h : view.values()) out.merge(h, 1, Integer::sum);
        return out;
    }

    /** This node's view of every instance, immutable and unordered (reports sort when they encode). */
    Map<InstanceKey, InstanceHealth> snapshot() {
        return Map.copyOf(view);
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
    ObservationReport reportTo(int node, int leader, long nowMillis, String configDigest) {
        boolean full = leader != lastLeader || lastFullMillis == Long.MIN_VALUE
                || nowMillis - lastFullMillis >= FULL_REPORT_INTERVAL_MILLIS;
        // Taken first, so a change recorded after it is in the snapshot or in the next delta (or both).
        Map<InstanceKey, InstanceHealth> changes = take(unreported);
        Map<InstanceKey, InstanceHealth> health;
        if (full) {
            health = snapshot();
            lastFullMillis = nowMillis;
        } else {
            health = new TreeMap<>();
            for (InstanceKey key : changes.keySet()) {
                InstanceHealth now = view.get(key);
                if (now != null) health.put(key, now); // an instance dropped by a reload is left out
            }
        }
        lastLeader = leader;
        return new ObservationReport(node, seq.incrementAndGet(), full, health, Optional.of(configDigest));
    }

    /** Stops tracking instances no longer configured (after a reload): they leave this node's view and reports. */
    void retainOnly(java.util.Set<InstanceKey> keys) {
        view.keySet().retainAll(keys);
        unreported.keySet().retainAll(keys);
        version.incrementAndGet();
        lastResults.keySet().retainAll(keys);
        changedAtMillis.keySet().retainAll(keys);
    }
}
