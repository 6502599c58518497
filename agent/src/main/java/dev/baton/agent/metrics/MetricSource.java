package dev.baton.agent.metrics;

import dev.baton.agent.check.InstanceStatus;
import dev.baton.agent.decision.Decision;
import dev.baton.agent.dns.DnsStats;
import dev.baton.agent.publish.PublisherStatus;
import dev.baton.agent.select.Overrides;
import dev.baton.election.NodeStatus;
import dev.baton.election.transport.TransportStats;

import java.util.List;
import java.util.Optional;

/**
 * What the metrics read from a running node, at scrape time.
 *
 * <p>Contract: every method may be called from the API server's threads at any time, concurrently with the
 * node's own work; none may block or throw. Each returns a snapshot, or a count since the node started.
 */
public interface MetricSource {

    /** The election's view of this node (role, term, leader, lease, peers). */
    NodeStatus election();

    /** Whether this node's committed state is current (it may answer DNS), as {@code /v1/status} says. */
    boolean current();

    /** The highest decision-log index this node has applied. */
    long appliedIndex();

    /** Times the leader this node follows changed since it started (to none included). */
    long leaderChanges();

    /** Times this node won an election and took the lead since it started. */
    long leadershipsGained();

    TransportStats transport();

    /** This node's checks of one instance; empty when it is not checked (yet). */
    Optional<InstanceStatus> check(String service, String instance);

    /** The service's committed decision, with each node's view as evidence; empty before the first. */
    Optional<Decision> decision(String service);

    /** Decisions for the service this node applied since it started. */
    long decisionsApplied(String service);

    /** The operator's pin and drains of the service; {@link Overrides#NONE} where there are none. */
    Overrides overrides(String service);

    /**
     * Whether member {@code node}'s config digest differs from this node's. Always false where the node does
     * not know its peers' digests: a mismatch is reported only once it is known.
     */
    boolean configDiffers(int node);

    /** The DNS server's counters; empty before it started. */
    Optional<DnsStats> dns();

    /** Every publisher's state, leader publishers included (scope {@code leader}). */
    List<PublisherStatus> publishers();
}
