package dev.baton.agent.runtime;

import dev.baton.agent.api.StatusQuery;
import dev.baton.agent.check.CheckRunner;
import dev.baton.agent.check.InstanceKey;
import dev.baton.agent.check.InstanceStatus;
import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.decision.Decision;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.dns.DnsServer;
import dev.baton.agent.dns.DnsStats;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.PublishEngine;
import dev.baton.agent.publish.PublisherStatus;
import dev.baton.election.ElectionNode;
import dev.baton.election.NodeStatus;
import dev.baton.election.PeerStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The status document a node serves at {@code /v1/status} (and {@code baton status} prints): the node and its
 * peers, a summary of every service that costs the same at any size, and the services asked for, with this
 * node's checks, the applied decision and the publishers. Any thread; reads the node's parts as they are now.
 */
final class StatusDocument {

    /**
     * What the document reads that a node replaces or starts after this is built: the config (a reload), the
     * election node, the checks and the DNS server (started after the API), the publishers (rebuilt by a
     * reload), the last reload's outcome and the config consistency.
     */
    record Sources(Supplier<BatonConfig> config, Supplier<ElectionNode> node, Supplier<CheckRunner> checks,
                   Supplier<DnsServer> dns, Supplier<PublishEngine> publishing, Supplier<String> lastReload,
                   Supplier<Map<String, Object>> configConsistency) {
    }

    private final int self;
    private final long currentWithinNanos;
    private final long startedMillis;
    private final Replica replica;
    private final Observations observations;
    private final Sources sources;
    /** The last summary's service counts, reused while the applied state and the config are the same objects. */
    private volatile ServiceCounts serviceCounts;

    StatusDocument(int self, long currentWithinNanos, long startedMillis, Replica replica, Observations observations,
                   Sources sources) {
        this.self = self;
        this.currentWithinNanos = currentWithinNanos;
        this.startedMillis = startedMillis;
        this.replica = replica;
        this.observations = observations;
        this.sources = sources;
    }

    /**
     * The status document for {@code query}: the node, a summary of every service, and the services asked for
     * (one, or a page in config order); null when the one service asked for does not exist.
     */
    Map<String, Object> build(StatusQuery query) {
        BatonConfig config = sources.config().get();
        ElectionNode node = sources.node().get();
        NodeStatus s = node.status();
        DecisionState.View view = replica.view();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cluster", config.cluster().name());
        out.put("node", self);
        out.put("role", s.role().name().toLowerCase());
        out.put("leading", node.isLeader());
        out.put("term", s.term());
        out.put("leader", s.leaderId());
        out.put("commit_index", s.commitIndex());
        out.put("applied_index", view.appliedIndex());
        out.put("current", node.isCurrent(currentWithinNanos));
        out.put("uptime_ms", System.nanoTime() / 1_000_000 - startedMillis);
        List<Map<String, Object>> peers = new ArrayList<>();
        for (PeerStatus p : s.peers()) {
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put("id", p.id());
            peer.put("witness", p.witness());
            peer.put("reachable", p.reachable());
            peer.put("last_contact_ms", p.lastContactAgoNanos() < 0 ? null : p.lastContactAgoNanos() / 1_000_000);
            peers.add(peer);
        }
        out.put("peers", peers);
        out.putAll(sources.configConsistency().get());
        out.put("last_reload", sources.lastReload().get());
        List<ServiceConfig> selected;
        if (query.service().isPresent()) {
            Optional<ServiceConfig> one = config.service(query.service().get());
            if (one.isEmpty()) return null;
            selected = List.of(one.get());
        } else {
            int from = Math.min(query.offset(), config.services().size());
            int to = (int) Math.min((long) from + query.limit(), config.services().size());
            selected = config.services().subList(from, to);
            out.put("offset", from);
        }
        out.put("services_total", config.services().size());
        out.put("summary", summary(config, view));
        Map<String, List<PublisherStatus>> publishersByScope = new java.util.HashMap<>();
        PublishEngine engine = sources.publishing().get();
        if (engine != null) {
            for (PublisherStatus p : engine.status()) {
                publishersByScope.computeIfAbsent(p.scope(), k -> new ArrayList<>()).add(p);
            }
        }
        List<Map<String, Object>> services = new ArrayList<>();
        for (ServiceConfig service : selected) {
            Map<String, Object> svc = new LinkedHashMap<>();
            svc.put("name", service.name());
            svc.put("fqdn", config.qualifiedName(service));
            String active = view.active(service.name()).orElse(null);
            svc.put("active", active);
            svc.put("address", active == null ? null
                    : service.instance(active).map(i -> i.address().text()).orElse(null));
            Decision d = view.decision(service.name()).orElse(null);
            if (d != null) {
                svc.put("decided_term", d.term());
                svc.put("decided_at", Instant.ofEpochMilli(d.decidedAtEpochMillis()).toString());
                svc.put("reason", d.reason());
                svc.put("verdicts", NodeDocuments.evidence(d));
            }
            svc.put("applied_at", replica.appliedAt(service.name()).map(Instant::toString).orElse(null));
            Map<String, String> mine = new LinkedHashMap<>();
            Map<String, String> mineSince = new LinkedHashMap<>();
            for (InstanceConfig instance : service.instances()) {
                InstanceKey key = new InstanceKey(service.name(), instance.name());
                mine.put(instance.name(), observations.health(key).name().toLowerCase());
                mineSince.put(instance.name(), observations.changedAt(key).map(Instant::toString).orElse(null));
            }
            svc.put("local_checks", mine);
            svc.put("local_check_failures", failingChecks(service));
            svc.put("local_checks_changed_at", mineSince);
            Map<String, Long> expedited = new LinkedHashMap<>();
            CheckRunner checks = sources.checks().get();
            for (InstanceConfig instance : service.instances()) {
                expedited.put(instance.name(), checks == null ? 0L : checks.status(service.name(), instance.name())
                        .map(InstanceStatus::expeditedRuns).orElse(0L));
            }
            svc.put("local_checks_expedited", expedited);
            svc.put("publishers", publisherStatus(publishersByScope.getOrDefault(service.name(), List.of())));
            svc.put("overrides", NodeDocuments.overrides(view.overrides(service.name())));
            services.add(svc);
        }
        out.put("services", services);
        DnsServer dns = sources.dns().get();
        if (dns != null) out.put("dns", dnsStatus(dns.stats()));
        if (!config.leaderPublish().isEmpty()) {
            out.put("leader_publishers", publisherStatus(publishersByScope.getOrDefault(Intent.LEADER_SCOPE, List.of())));
        }
        return out;
    }

    /**
     * Counts over every service, cheap to compute at any size: where each service stands (on its preferred
     * instance, failed over, answering nothing, not decided yet), this node's own checks, the publishers.
     */
    private Map<String, Object> summary(BatonConfig config, DecisionState.View view) {
        ServiceCounts counts = serviceCounts;
        if (counts == null || counts.view() != view || counts.config() != config) {
            counts = ServiceCounts.of(config, view);
            serviceCounts = counts; // a race builds it twice, never wrongly: both are of this view and config
        }
        Map<String, Object> services = new LinkedHashMap<>(counts.counts());
        Map<String, Integer> checks = new java.util.TreeMap<>();
        observations.countByHealth().forEach((h, n) -> checks.put(h.name().toLowerCase(), n));
        Map<String, Integer> publishers = new java.util.TreeMap<>();
        PublishEngine engine = sources.publishing().get();
        if (engine != null) engine.status().forEach(p -> publishers.merge(p.state().text(), 1, Integer::sum));
        // Overrides are shown loudly: a pinned service makes no automatic change (issue 9).
        List<String> pinned = new ArrayList<>();
        int drained = 0;
        for (Map.Entry<String, dev.baton.agent.decision.ServiceOverrides> o : view.overrides().entrySet()) {
            if (o.getValue().pinned().isPresent()) pinned.add(o.getKey());
            drained += o.getValue().drained().size();
        }
        services.put("pinned", pinned);
        services.put("drained_instances", drained);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("services", services);
        summary.put("local_checks", checks);
        summary.put("publishers", publishers);
        return summary;
    }

    /**
     * Where every service stands in one applied state: counted once per state and config, not per request, so a
     * summary costs the same at a thousand services as at one (issue 8: {@code /v1/status} within 20 ms).
     */
    private record ServiceCounts(BatonConfig config, DecisionState.View view, Map<String, Object> counts) {
        static ServiceCounts of(BatonConfig config, DecisionState.View view) {
            int preferred = 0;
            int failedOver = 0;
            int none = 0;
            int undecided = 0;
            for (ServiceConfig service : config.services()) {
                Decision d = view.decisions().get(service.name());
                if (d == null) {
                    undecided++;
                } else if (d.activeInstance().isEmpty()) {
                    none++;
                } else {
                    int best = Integer.MAX_VALUE;
                    int chosen = Integer.MIN_VALUE;
                    for (InstanceConfig i : service.instances()) {
                        best = Math.min(best, i.priority());
                        if (i.name().equals(d.instance())) chosen = i.priority();
                    }
                    if (chosen == best) preferred++; else failedOver++;
                }
            }
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("preferred", preferred);
            counts.put("failed_over", failedOver);
            counts.put("none", none);
            counts.put("undecided", undecided);
            return new ServiceCounts(config, view, java.util.Collections.unmodifiableMap(counts));
        }
    }

    /** Why this node's last check of each instance failed (an exec check's first output line, an HTTP status). */
    private Map<String, String> failingChecks(ServiceConfig service) {
        Map<String, String> out = new LinkedHashMap<>();
        CheckRunner checks = sources.checks().get();
        if (checks == null) return out;
        for (InstanceConfig instance : service.instances()) {
            checks.status(service.name(), instance.name()).flatMap(st -> st.lastResult())
                    .filter(r -> !r.healthy()).ifPresent(r -> out.put(instance.name(), r.detail()));
        }
        return out;
    }

    private static Map<String, Object> dnsStatus(DnsStats stats) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Long> byRcode = new LinkedHashMap<>();
        stats.responsesByRcode().forEach((rcode, n) -> byRcode.put(org.xbill.DNS.Rcode.string(rcode), n));
        m.put("responses", byRcode);
        m.put("malformed", stats.malformed());
        m.put("truncated", stats.truncated());
        m.put("rate_limited_dropped", stats.rateLimitedDropped());
        m.put("rate_limited_truncated", stats.rateLimitedTruncated());
        m.put("tcp_accepted", stats.tcpConnectionsAccepted());
        m.put("tcp_evicted", stats.tcpConnectionsEvicted());
        m.put("internal_errors", stats.internalErrors());
        return m;
    }

    private static List<Map<String, Object>> publisherStatus(List<PublisherStatus> statuses) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PublisherStatus p : statuses) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", p.kind());
            m.put("target", p.target());
            m.put("state", p.state().text());
            m.put("published", p.published().orElse(null));
            m.put("fence", p.fence().map(Object::toString).orElse(null));
            m.put("attempts", p.attempts());
            m.put("last_success", p.lastSuccess().map(Instant::toString).orElse(null));
            m.put("last_error", p.lastError().orElse(null));
            m.put("last_error_at", p.lastErrorAt().map(Instant::toString).orElse(null));
            m.put("publish_ms", p.publishMillis().orElse(null));
            m.put("detail", p.detail().isEmpty() ? null : p.detail());
            out.add(m);
        }
        return out;
    }
}
