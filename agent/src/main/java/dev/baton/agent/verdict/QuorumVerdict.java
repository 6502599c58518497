package dev.baton.agent.verdict;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;

import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.config.Vantage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the nodes' views into one verdict per instance: a pure function of the views, the cluster size, the
 * leader's id, the vantage and the time, run on the leader.
 *
 * <h2>Freshness</h2>
 * A view counts only while it is fresh: received at most {@code staleAfterMillis} before {@code nowMillis}
 * (both on the leader's clock). The leader's own view is always fresh: it is produced locally, not received.
 * A node whose view is stale counts as if it had said nothing, so it can never help reach a threshold.
 *
 * <h2>Vantages</h2>
 * {@code N} is the cluster size (every configured member, fresh or not) and {@code majority = N/2 + 1}.
 * <ul>
 *   <li>{@link Vantage#QUORUM} (the default): {@code DOWN} when at least a majority of the <em>cluster</em>
 *   freshly see it down, {@code UP} when at least a majority freshly see it up, otherwise {@code UNKNOWN}. The
 *   threshold is of the cluster, not of the fresh views, so a leader cut off with a minority of the nodes
 *   cannot fail an instance over on its own (DESIGN.md, "Quorum verdict"). The two outcomes cannot both hold,
 *   since one node says one thing.</li>
 *   <li>{@link Vantage#LEADER}: the leader's own observation; {@code UNKNOWN} when the leader has reported
 *   none.</li>
 *   <li>{@link Vantage#ANY} (pessimistic): {@code DOWN} when any fresh view sees it down; {@code UP} when there
 *   is at least one fresh view and every fresh view sees it up (an {@code unknown} view blocks {@code UP});
 *   otherwise {@code UNKNOWN}.</li>
 *   <li>{@link Vantage#ALL} (optimistic, the dual of {@code ANY}): {@code DOWN} only when every one of the
 *   {@code N} members has a fresh view that sees it down; {@code UP} when any fresh view sees it up;
 *   otherwise {@code UNKNOWN}. An instance reachable from anywhere stays eligible.</li>
 * </ul>
 * In every vantage the counts of the returned {@link Verdict} are over the fresh views.
 *
 * <p>Immutable and thread-safe. Methods never block; they throw {@link IllegalArgumentException} when the views
 * are inconsistent with the cluster (two views from one node, more nodes than the cluster has).
 */
public final class QuorumVerdict {
    private final int clusterSize;
    private final long staleAfterMillis;

    /**
     * @param clusterSize      the number of configured members, at least 1
     * @param staleAfterMillis how old a received view may be and still count, at least 0
     */
    public QuorumVerdict(int clusterSize, long staleAfterMillis) {
        if (clusterSize < 1) throw new IllegalArgumentException("cluster size must be at least 1: " + clusterSize);
        if (staleAfterMillis < 0) throw new IllegalArgumentException("negative staleness bound: " + staleAfterMillis);
        this.clusterSize = clusterSize;
        this.staleAfterMillis = staleAfterMillis;
    }

    public int clusterSize() {
        return clusterSize;
    }

    /** The smallest strict majority of the cluster, {@code N/2 + 1}. */
    public int majority() {
        return clusterSize / 2 + 1;
    }

    /** The verdict on one instance under {@code vantage}. */
    public Verdict verdict(InstanceKey key, Vantage vantage, int leaderId, Collection<NodeView> views,
                           long nowMillis) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(vantage, "vantage");
        return decide(key, vantage, leaderId, fresh(leaderId, views, nowMillis));
    }

    /** The verdicts on every configured instance of {@code service}, under its vantage, in config order. */
    public Map<String, Verdict> verdicts(ServiceConfig service, int leaderId, Collection<NodeView> views,
                                         long nowMillis) {
        List<NodeView> fresh = fresh(leaderId, views, nowMillis);
        Map<String, Verdict> out = new LinkedHashMap<>();
        for (InstanceConfig instance : service.instances()) {
            InstanceKey key = new InstanceKey(service.name(), instance.name());
            out.put(instance.name(), decide(key, service.vantage(), leaderId, fresh));
        }
        return out;
    }

    /**
     * The evidence behind {@code service}'s verdicts, for the decision log: fresh node id &rarr; instance
     * &rarr; that node's observation, for the instances of {@code service} the node reported on. Sorted by
     * node id and instance name so that equal evidence encodes to equal bytes.
     */
    public Map<Integer, Map<String, InstanceHealth>> evidence(String service, int leaderId, Collection<NodeView> views,
                                                      long nowMillis) {
        return evidence(leaderId, views, nowMillis).of(service);
    }

    /**
     * The evidence behind every service's verdicts at once, as {@link #evidence(String, int, Collection, long)}
     * gives it for one: one pass over the views, however many services a pass decides (a mass failure decides a
     * thousand in one pass; one scan of every view per decision made that pass quadratic, issue 8).
     */
    public Evidence evidence(int leaderId, Collection<NodeView> views, long nowMillis) {
        List<NodeView> fresh = fresh(leaderId, views, nowMillis);
        Map<String, Map<Integer, Map<String, InstanceHealth>>> byService = new java.util.HashMap<>();
        for (NodeView view : fresh) {
            view.observations().forEach((key, health) -> byService.computeIfAbsent(key.service(), s -> new TreeMap<>())
                    .computeIfAbsent(view.nodeId(), n -> new TreeMap<>()).put(key.instance(), health));
        }
        List<Integer> nodes = fresh.stream().map(NodeView::nodeId).sorted().toList();
        return new Evidence(nodes, byService);
    }

    /** Every fresh node's observations, by service: see {@link #evidence(int, Collection, long)}. Immutable use. */
    public static final class Evidence {
        private final List<Integer> nodes;
        private final Map<String, Map<Integer, Map<String, InstanceHealth>>> byService;

        private Evidence(List<Integer> nodes, Map<String, Map<Integer, Map<String, InstanceHealth>>> byService) {
            this.nodes = nodes;
            this.byService = byService;
        }

        /** Node id &rarr; instance &rarr; observation; every fresh node is present, with no instance if it reported none. */
        public Map<Integer, Map<String, InstanceHealth>> of(String service) {
            Map<Integer, Map<String, InstanceHealth>> reported = byService.getOrDefault(service, Map.of());
            Map<Integer, Map<String, InstanceHealth>> out = new TreeMap<>();
            for (int node : nodes) out.put(node, new TreeMap<>(reported.getOrDefault(node, Map.of())));
            return out;
        }
    }

    /** The ids of the views that count at {@code nowMillis} (see Freshness above), in the order given. */
    public List<Integer> freshNodes(int leaderId, Collection<NodeView> views, long nowMillis) {
        return fresh(leaderId, views, nowMillis).stream().map(NodeView::nodeId).toList();
    }

    private List<NodeView> fresh(int leaderId, Collection<NodeView> views, long nowMillis) {
        Objects.requireNonNull(views, "views");
        Set<Integer> seen = new HashSet<>();
        List<NodeView> fresh = new ArrayList<>(views.size());
        for (NodeView view : views) {
            if (!seen.add(view.nodeId())) {
                throw new IllegalArgumentException("two views from node " + view.nodeId());
            }
            // A view stamped after now (impossible on one clock) has a negative age and is simply fresh.
            boolean isFresh = view.nodeId() == leaderId || nowMillis - view.receivedAtMillis() <= staleAfterMillis;
            if (isFresh) fresh.add(view);
        }
        if (seen.size() > clusterSize) {
            throw new IllegalArgumentException(seen.size() + " nodes reported views to a cluster of " + clusterSize);
        }
        return fresh;
    }

    private Verdict decide(InstanceKey key, Vantage vantage, int leaderId, List<NodeView> fresh) {
        int up = 0;
        int down = 0;
        InstanceHealth leaderSays = InstanceHealth.UNKNOWN;
        for (NodeView view : fresh) {
            InstanceHealth h = view.of(key);
            if (h == InstanceHealth.UP) up++;
            if (h == InstanceHealth.DOWN) down++;
            if (view.nodeId() == leaderId) leaderSays = h;
        }
        int n = fresh.size();
        InstanceHealth health = switch (vantage) {
            case QUORUM -> down >= majority() ? InstanceHealth.DOWN : up >= majority() ? InstanceHealth.UP : InstanceHealth.UNKNOWN;
            case LEADER -> leaderSays;
            case ANY -> down > 0 ? InstanceHealth.DOWN : n > 0 && up == n ? InstanceHealth.UP : InstanceHealth.UNKNOWN;
            case ALL -> down == clusterSize ? InstanceHealth.DOWN : up > 0 ? InstanceHealth.UP : InstanceHealth.UNKNOWN;
        };
        return new Verdict(health, up, down, n);
    }
}
