package dev.baton.agent.runtime;

import dev.baton.agent.check.CheckRunner;
import dev.baton.agent.check.InstanceStatus;
import dev.baton.agent.decision.Decision;
import dev.baton.agent.dns.DnsServer;
import dev.baton.agent.dns.DnsStats;
import dev.baton.agent.metrics.MetricSource;
import dev.baton.agent.publish.PublishEngine;
import dev.baton.agent.publish.PublisherStatus;
import dev.baton.agent.select.Overrides;
import dev.baton.election.ElectionNode;
import dev.baton.election.NodeStatus;
import dev.baton.election.transport.TransportStats;

import java.util.List;
import java.util.Optional;

/**
 * The running node's parts, read for the metrics: the replicated overrides, and which members' config digests
 * differ from this node's (known on the leader, which receives every member's reports).
 */
record AgentMetricSource(ElectionNode node, long currentWithinNanos, Replica replica, CheckRunner checks,
                         DnsServer dnsServer, PublishEngine publishing,
                         java.util.function.Supplier<java.util.Set<Integer>> mismatched) implements MetricSource {

    @Override
    public NodeStatus election() {
        return node.status();
    }

    @Override
    public boolean current() {
        return node.isCurrent(currentWithinNanos);
    }

    @Override
    public long appliedIndex() {
        return replica.view().appliedIndex();
    }

    @Override
    public long leaderChanges() {
        return replica.leaderChanges();
    }

    @Override
    public long leadershipsGained() {
        return replica.leadershipsGained();
    }

    @Override
    public TransportStats transport() {
        return node.transportStats();
    }

    @Override
    public Optional<InstanceStatus> check(String service, String instance) {
        return checks.status(service, instance);
    }

    @Override
    public Optional<Decision> decision(String service) {
        return replica.view().decision(service);
    }

    @Override
    public long decisionsApplied(String service) {
        return replica.decisionsApplied(service);
    }

    @Override
    public Overrides overrides(String service) {
        return ActionJudge.selection(replica.view().overrides().getOrDefault(service,
                dev.baton.agent.decision.ServiceOverrides.NONE));
    }

    @Override
    public boolean configDiffers(int node) {
        return mismatched.get().contains(node);
    }

    @Override
    public Optional<DnsStats> dns() {
        return Optional.of(dnsServer.stats());
    }

    @Override
    public List<PublisherStatus> publishers() {
        return publishing.status();
    }
}
