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

    void put(NodeView view) {
        views.put(view.nodeId(), view);
    }

    /** Every peer's latest view, plus {@code own} in place of any earlier view of this node. */
    List<NodeView> with(NodeView own) {
        Map<Integer, NodeView> all = new java.util.TreeMap<>(views);
        all.put(own.nodeId(), own);
        return List.copyOf(all.values());
    }
}
