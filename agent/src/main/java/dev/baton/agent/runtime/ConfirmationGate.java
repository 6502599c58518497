package dev.baton.agent.runtime;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;

import java.util.HashMap;
import java.util.Map;

/**
 * Expedited confirmation, the trigger and its bound: when a peer reports that an instance changed state, should
 * this node check that instance now rather than at its next scheduled run? A decision needs a majority's views
 * (vantage {@code quorum}), so without this the second view arrives only with another node's next scheduled
 * check, on average half an interval after the first; with it, about one check round trip after the first.
 *
 * <p>Rules: only a change to {@code up} or {@code down}; only when this node's own view differs (if it already
 * agrees, its report already confirms); only instances this node checks; and at most one expedited check per
 * instance per check interval, and never more often than every {@link #MIN_SPACING_MILLIS}: a flapping instance
 * can at most double its check rate, whatever the number of peers telling. The expedited run is an ordinary run
 * for the rise/fall thresholds; the quorum rules are unchanged.
 *
 * <p>A pure function of its inputs and the clock passed in. Thread-safe (synchronized; peers' notices arrive
 * on one callback thread anyway).
 */
final class ConfirmationGate {
    /** The floor on the spacing of expedited checks of one instance, for very short intervals. */
    static final long MIN_SPACING_MILLIS = 100;

    private final Map<InstanceKey, Long> intervalMillis;
    private final Map<InstanceKey, Long> lastAdmitted = new HashMap<>();

    /** @param intervalMillis the check interval of every instance this node checks */
    ConfirmationGate(Map<InstanceKey, Long> intervalMillis) {
        this.intervalMillis = Map.copyOf(intervalMillis);
    }

    /**
     * Whether to check {@code key} now, and if so, records that it was.
     *
     * @param reported  the state a peer says the instance changed to
     * @param local     this node's current view of it
     * @param nowMillis a monotonic clock
     */
    synchronized boolean admit(InstanceKey key, InstanceHealth reported, InstanceHealth local, long nowMillis) {
        Long interval = intervalMillis.get(key);
        if (interval == null || reported == InstanceHealth.UNKNOWN || reported == local) return false;
        Long last = lastAdmitted.get(key);
        if (last != null && nowMillis - last < Math.max(interval, MIN_SPACING_MILLIS)) return false;
        lastAdmitted.put(key, nowMillis);
        return true;
    }
}
