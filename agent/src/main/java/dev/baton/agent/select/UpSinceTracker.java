package dev.baton.agent.select;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers since when each instance's verdict has been continuously {@code UP}, for {@code failback: after}.
 * Any other verdict, {@code UNKNOWN} included, ends the streak: a hold-down only counts time the cluster could
 * vouch for. A new leader starts with no memory, so it waits a full hold-down before failing back, which errs on
 * the side of not flapping.
 *
 * <p>Not thread-safe: owned by the leader's decision loop.
 */
public final class UpSinceTracker {
    private final Map<InstanceKey, Long> upSince = new HashMap<>();

    /** Records the current verdict on {@code key} at {@code nowMillis}. */
    public void observe(InstanceKey key, InstanceHealth health, long nowMillis) {
        Objects.requireNonNull(key, "key");
        if (health == InstanceHealth.UP) upSince.putIfAbsent(key, nowMillis);
        else upSince.remove(key);
    }

    /** Instance name &rarr; since when it has been continuously up, for the instances of {@code service}. */
    public Map<String, Long> upSince(String service) {
        Map<String, Long> out = new HashMap<>();
        upSince.forEach((key, since) -> {
            if (key.service().equals(service)) out.put(key.instance(), since);
        });
        return out;
    }

    /** Forgets everything, e.g. when this node stops leading. */
    public void clear() {
        upSince.clear();
    }
}
