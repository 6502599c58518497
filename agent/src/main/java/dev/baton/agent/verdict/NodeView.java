package dev.baton.agent.verdict;

import java.util.Map;
import java.util.Objects;

/**
 * What one node last reported about every instance it checks, and when the leader received that report (on
 * the leader's own clock, so staleness never compares two machines' clocks). An instance missing from
 * {@code observations} counts as {@link Health#UNKNOWN}.
 */
public record NodeView(int nodeId, long receivedAtMillis, Map<InstanceKey, Health> observations) {
    public NodeView {
        observations = Map.copyOf(Objects.requireNonNull(observations, "observations"));
    }

    /** This node's observation of {@code key}, {@link Health#UNKNOWN} when it reported none. */
    public Health of(InstanceKey key) {
        return observations.getOrDefault(key, Health.UNKNOWN);
    }
}
