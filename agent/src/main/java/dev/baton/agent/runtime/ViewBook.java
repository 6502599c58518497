package dev.baton.agent.runtime;

import dev.baton.agent.verdict.NodeView;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest view received from each peer, stamped with this node's monotonic clock on receipt (so a
 * report is as fresh as its arrival, whatever the sender's clock says). Only the leader uses it.
 */
final class ViewBook {
    private final Map<Integer, NodeView> views = new ConcurrentHashMap<>();
    private final Map<Integer, Long> seqs = new ConcurrentHashMap<>();
    private final Map<Integer, String> configDigests = new ConcurrentHashMap<>();

    void put(NodeView view) {
        views.put(view.nodeId(), view);
    }

    /**
     * Files a report received at {@code receivedAtMillis}: a full one replaces the node's view; a delta updates
     * it, when it follows the last report filed ({@code seq} one higher). A delta after a gap (a lost report, or
     * none filed yet) is dropped: the view ages until the node's next full report, at most a second away.
     * One thread at a time (the election's callback thread).
     *
     * @return whether the report was filed
     */
    boolean file(ObservationReport report, long receivedAtMillis) {
        int node = report.node();
        NodeView previous = views.get(node);
        Long lastSeq = seqs.get(node);
        Map<dev.baton.agent.check.InstanceKey, dev.baton.agent.check.InstanceHealth> health;
        if (report.full()) {
            health = report.health();
        } else if (previous != null && lastSeq != null && report.seq() == lastSeq + 1) {
            health = new java.util.HashMap<>(previous.observations());
            health.putAll(report.health());
        } else {
            return false;
        }
        views.put(node, new NodeView(node, receivedAtMillis, health));
        report.configDigest().ifPresentOrElse(d -> configDigests.put(node, d), () -> configDigests.remove(node));
        seqs.put(node, report.seq());
        return true;
    }

    /** The config digest each peer sent with its latest filed report; a peer that sent none is absent. */
    Map<Integer, String> configDigests() {
        return Map.copyOf(configDigests);
    }

    /** Every peer's latest view, plus {@code own} in place of any earlier view of this node. */
    List<NodeView> with(NodeView own) {
        Map<Integer, NodeView> all = new java.util.TreeMap<>(views);
        all.put(own.nodeId(), own);
        return List.copyOf(all.values());
    }
}
