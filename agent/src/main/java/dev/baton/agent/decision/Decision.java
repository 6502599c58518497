package dev.baton.agent.decision;

import dev.baton.agent.check.InstanceHealth;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One entry of the replicated decision log: from now on {@code service} publishes {@code instance} (or nothing,
 * when {@code instance} is null), decided by the leader of {@code term}, which is the fencing token: a decision
 * of a lower term than the service's current one is never applied (see {@link DecisionState}).
 *
 * @param service              the service name
 * @param instance             the published instance, or {@code null} for "answer nothing"
 * @param term                 the leader's term, at least 0
 * @param reason               human-readable, e.g. {@code a is down (3/3 nodes); b is up (3/3 nodes)}
 * @param decidedAtEpochMillis the leader's wall clock when it decided, for the audit history only (never used
 *                             to order or fence anything)
 * @param evidence             node id &rarr; instance &rarr; that node's observation when the leader decided;
 *                             copied, sorted and unmodifiable
 */
public record Decision(String service, String instance, long term, String reason, long decidedAtEpochMillis,
                       Map<Integer, Map<String, InstanceHealth>> evidence) implements HistoryItem {
    public Decision {
        Objects.requireNonNull(service, "service");
        if (service.isBlank()) throw new IllegalArgumentException("decision without a service name");
        if (instance != null && instance.isBlank()) {
            throw new IllegalArgumentException("blank instance name; use null for no instance");
        }
        if (term < 0) throw new IllegalArgumentException("negative term: " + term);
        Objects.requireNonNull(reason, "reason");
        evidence = copy(Objects.requireNonNull(evidence, "evidence"));
    }

    /** The published instance, empty when the service answers nothing. */
    public Optional<String> activeInstance() {
        return Optional.ofNullable(instance);
    }

    private static Map<Integer, Map<String, InstanceHealth>> copy(Map<Integer, Map<String, InstanceHealth>> evidence) {
        TreeMap<Integer, Map<String, InstanceHealth>> out = new TreeMap<>();
        evidence.forEach((node, byInstance) -> {
            Objects.requireNonNull(node, "evidence node id");
            Objects.requireNonNull(byInstance, "evidence of node " + node);
            TreeMap<String, InstanceHealth> inner = new TreeMap<>();
            byInstance.forEach((name, health) -> inner.put(Objects.requireNonNull(name, "evidence instance name"),
                    Objects.requireNonNull(health, "evidence health of " + name)));
            out.put(node, Collections.unmodifiableMap(inner));
        });
        return Collections.unmodifiableMap(out);
    }
}
