package dev.baton.agent.verdict;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;

import java.util.Map;
import java.util.Objects;

/**
 * What one node last reported about every instance it checks, and when the leader received that report (on
 * the leader's own clock, so staleness never compares two machines' clocks). An instance missing from
 * {@code observations} counts as {@link InstanceHealth#UNKNOWN}.
 */
public record NodeView(int nodeId, long receivedAtMillis, Map<InstanceKey, InstanceHealth> observations) {
    public NodeView {
        observations = Map.copyOf(Objects.requireNonNull(observations, "observations"));
    }

    /** This node's observation of {@code key}, {@link InstanceHealth#UNKNOWN} when it reported none. */
    public InstanceHealth of(InstanceKey key) {
        return observations.getOrDefault(key, InstanceHealth.UNKNOWN);
    }
}
