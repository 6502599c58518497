package dev.baton.agent.runtime;

import dev.baton.agent.verdict.NodeView;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which nodes run a config whose cluster-wide part ({@link dev.baton.agent.config.ConfigDigest}) differs from this
 * node's. The leader counts such a node as not reporting: two nodes that check different instances, or the same
 * names at different addresses, would otherwise mix their views into one verdict (issue 9, "config
 * consistency"). A node that sent no digest (a version before it) is not compared: during a rolling upgrade the
 * old nodes still count. Pure.
 *
 * @param own     this node's digest
 * @param reports the digest each peer sent with its latest report; peers that sent none are absent
 */
record ConfigAgreement(String own, Map<Integer, String> reports) {
    ConfigAgreement {
        reports = Map.copyOf(reports);
    }

    /** The ids of the peers whose digest differs from {@link #own}, ascending. */
    SortedSet<Integer> mismatched() {
        SortedSet<Integer> out = new TreeSet<>();
        reports.forEach((node, digest) -> {
            if (!digest.equals(own)) out.add(node);
        });
        return out;
    }

    /** {@code views} less those of mismatched nodes: what the verdict may count. */
    List<NodeView> agreeing(List<NodeView> views) {
        SortedSet<Integer> differ = mismatched();
        if (differ.isEmpty()) return views;
        return views.stream().filter(v -> !differ.contains(v.nodeId())).toList();
    }
}
