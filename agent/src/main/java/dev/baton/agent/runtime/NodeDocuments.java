package dev.baton.agent.runtime;

import dev.baton.agent.api.ActionRequest;
import dev.baton.agent.api.ActionResult;
import dev.baton.agent.api.HistoryQuery;
import dev.baton.agent.api.NodeApi;
import dev.baton.agent.api.StatusQuery;
import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.MemberConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.decision.Decision;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.decision.HistoryEntry;
import dev.baton.agent.decision.LeaderNotice;
import dev.baton.agent.decision.OperatorAction;
import dev.baton.agent.decision.ServiceOverrides;
import dev.baton.election.ElectionNode;
import dev.baton.election.NodeStatus;
import dev.baton.election.PeerStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The runtime's side of the HTTP API: the documents of {@code /v1/cluster}, {@code /v1/services} (each service
 * with its {@link FailoverBudget}),
 * {@code /v1/history} and {@code /v1/health} built from the election and the replicated state, the status
 * document from {@link AgentNode}, and actions through the {@link ActionDesk}. Any thread; never blocks.
 */
final class NodeDocuments implements NodeApi {
    private final Supplier<BatonConfig> config;
    private final Supplier<Map<String, Object>> configConsistency;
    private final Supplier<ElectionNode> node;
    private final Replica replica;
    private final ActionDesk desk;
    private final Function<StatusQuery, Map<String, Object>> status;
    private final BooleanSupplier current;
    private final BooleanSupplier serving;

    /**
     * @param config            the config in force (a reload replaces it)
     * @param configConsistency this node's config digest, the digests it knows and the nodes that differ
     * @param current           whether this node is current (its answers may be trusted)
     * @param serving           whether its DNS server runs
     */
    NodeDocuments(Supplier<BatonConfig> config, Supplier<Map<String, Object>> configConsistency,
                  Supplier<ElectionNode> node, Replica replica, ActionDesk desk,
                  Function<StatusQuery, Map<String, Object>> status, BooleanSupplier current, BooleanSupplier serving) {
        this.config = config;
        this.configConsistency = configConsistency;
        this.node = node;
        this.replica = replica;
        this.desk = desk;
        this.status = status;
        this.current = current;
        this.serving = serving;
    }

    @Override
    public Optional<Object> status(StatusQuery query) {
        return Optional.ofNullable(status.apply(query));
    }

    @Override
    public Object cluster() {
        ElectionNode n = node.get();
        NodeStatus s = n.status();
        DecisionState.View view = replica.view();
        Map<Integer, PeerStatus> peers = new LinkedHashMap<>();
        for (PeerStatus p : s.peers()) peers.put(p.id(), p);
        List<Map<String, Object>> members = new ArrayList<>();
        for (MemberConfig m : config.get().cluster().members()) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("id", m.id());
            member.put("address", m.address().toString());
            member.put("witness", m.witness());
            member.put("self", m.id() == s.selfId());
            PeerStatus p = peers.get(m.id());
            member.put("reachable", m.id() == s.selfId() || p != null && p.reachable());
            member.put("last_contact_ms", p == null || p.lastContactAgoNanos() < 0 ? null : p.lastContactAgoNanos() / 1_000_000);
            member.put("leader", m.id() == s.leaderId());
            members.add(member);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cluster", config.get().cluster().name());
        out.put("node", s.selfId());
        out.put("leader", s.leaderId() == 0 ? null : s.leaderId());
        out.put("term", s.term());
        out.put("leading", n.isLeader());
        out.put("lease_remaining_ms", n.isLeader() ? n.leaseRemainingNanos() / 1_000_000 : null);
        out.put("current", current.getAsBoolean());
        out.put("commit_index", s.commitIndex());
        out.put("applied_index", view.appliedIndex());
        out.put("last_leader_notice", view.leader().map(NodeDocuments::leader).orElse(null));
        out.put("members", members);
        out.putAll(configConsistency.get());
        return out;
    }

    @Override
    public Object services() {
        DecisionState.View view = replica.view();
        List<Object> out = new ArrayList<>();
        for (ServiceConfig service : config.get().services()) out.add(service(service, view));
        return Map.of("services", out);
    }

    @Override
    public Optional<Object> service(String name) {
        return config.get().service(name).map(s -> service(s, replica.view()));
    }

    private Map<String, Object> service(ServiceConfig service, DecisionState.View view) {
        Map<String, Object> svc = new LinkedHashMap<>();
        svc.put("name", service.name());
        String active = view.active(service.name()).orElse(null);
        svc.put("active", active);
        svc.put("address", active == null ? null : service.instance(active).map(i -> i.address().text()).orElse(null));
        svc.put("policy", service.policy().name().toLowerCase());
        svc.put("failback", service.failback().toString());
        svc.put("instances", service.instances().stream().map(InstanceConfig::name).toList());
        ServiceOverrides o = view.overrides(service.name());
        svc.put("pinned", o.pinned().orElse(null));
        svc.put("overrides", overrides(o));
        Decision d = view.decision(service.name()).orElse(null);
        svc.put("verdicts", d == null ? Map.of() : evidence(d));
        svc.put("last_change", d == null ? null : lastChange(d, view.index(service.name())));
        svc.put("failover_budget", FailoverBudget.of(service, config.get().dns().ttl()).document());
        return svc;
    }

    /** {@code {"drained": [..], "pinned": "a"|null, "switched_to": "b"|null}}: also in the status document. */
    static Map<String, Object> overrides(ServiceOverrides o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("drained", List.copyOf(o.drained()));
        m.put("pinned", o.pinned().orElse(null));
        m.put("switched_to", o.switchedTo().orElse(null));
        return m;
    }

    private static Map<String, Object> lastChange(Decision d, long index) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instance", d.instance());
        m.put("at", Instant.ofEpochMilli(d.decidedAtEpochMillis()).toString());
        m.put("term", d.term());
        m.put("index", index);
        m.put("reason", d.reason());
        return m;
    }

    /** Node id &rarr; instance &rarr; what that node saw when the leader decided: also in the status document. */
    static Map<String, Object> evidence(Decision d) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        d.evidence().forEach((nodeId, byInstance) -> {
            Map<String, String> states = new LinkedHashMap<>();
            byInstance.forEach((instance, health) -> states.put(instance, health.wireName()));
            evidence.put(String.valueOf(nodeId), states);
        });
        return evidence;
    }

    @Override
    public Optional<Object> history(HistoryQuery query) {
        if (query.service().isPresent() && config.get().service(query.service().get()).isEmpty()) return Optional.empty();
        List<HistoryEntry> page = replica.view().historyPage(query.service().orElse(null), query.before(), query.limit());
        List<Object> items = new ArrayList<>(page.size());
        for (HistoryEntry e : page) items.add(historyItem(e));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        // Paging: pass the oldest seq shown as ?before= for the next page; null when this was the last.
        out.put("next_before", page.size() < query.limit() || page.isEmpty() ? null : page.get(page.size() - 1).seq());
        return Optional.of(out);
    }

    /** One history item as {@code /v1/history} and {@code /v1/events} show it. */
    static Map<String, Object> historyItem(HistoryEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("index", e.index());
        if (e.item() instanceof Decision d) {
            m.put("kind", "decision");
            m.put("at", Instant.ofEpochMilli(d.decidedAtEpochMillis()).toString());
            m.put("service", d.service());
            m.put("instance", d.instance());
            m.put("term", d.term());
            m.put("reason", d.reason());
            m.put("evidence", evidence(d));
        } else if (e.item() instanceof OperatorAction a) {
            m.put("kind", "action");
            m.put("at", Instant.ofEpochMilli(a.atEpochMillis()).toString());
            m.put("service", a.service());
            m.put("action", a.kind().wireName());
            m.put("instance", a.instance());
            m.put("force", a.force());
            m.put("by", a.requestedBy());
            m.put("via_node", a.viaNode());
            m.put("term", a.term());
            m.put("accepted", a.accepted());
            m.put("outcome", a.outcome());
        } else {
            m.put("kind", "leader");
            m.putAll(leader((LeaderNotice) e.item()));
        }
        return m;
    }

    private static Map<String, Object> leader(LeaderNotice l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", Instant.ofEpochMilli(l.atEpochMillis()).toString());
        m.put("leader", l.node());
        m.put("term", l.term());
        return m;
    }

    @Override
    public Health health() {
        boolean isCurrent = current.getAsBoolean();
        boolean isServing = serving.getAsBoolean();
        NodeStatus s = node.get().status();
        Map<String, Object> doc = new LinkedHashMap<>();
        if (isCurrent && isServing) {
            doc.put("status", "ok");
        } else {
            doc.put("error", !isServing ? "this node's DNS server is not running"
                    : "this node is not current: it has no fresh word from a majority, or is behind on the log");
        }
        doc.put("node", s.selfId());
        doc.put("leader", s.leaderId() == 0 ? null : s.leaderId());
        doc.put("term", s.term());
        doc.put("current", isCurrent);
        return new Health(isCurrent && isServing, doc);
    }

    @Override
    public CompletableFuture<ActionResult> act(ActionRequest request) {
        return desk.submit(request);
    }
}
