package dev.baton.agent.runtime;

import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Leadership;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.WriteGate;
import dev.baton.election.ElectionNode;

import java.time.Duration;

/**
 * The election's answer to "may this node write now?": it leads in a term at least the intent's, and its lease
 * outlasts the request about to be sent (DESIGN.md "Publishers": APIs without conditional writes re-check
 * leadership immediately before writing).
 */
final class LeaseGate implements Leadership {
    private final ElectionNode node;

    LeaseGate(ElectionNode node) {
        this.node = node;
    }

    /**
     * Leads now, and has applied every commit it knows of: a new leader that has not yet applied what it
     * recovered would publish an older decision (a reserved IP has no fence to refuse it), as the
     * {@code DecisionMaker} would decide from an older state.
     */
    @Override
    public boolean leads() {
        return node.isLeader() && node.hasDeliveredAllKnown();
    }

    @Override
    public WriteGate gate(Intent intent) {
        return requestTimeout -> {
            long term = node.leadingTerm();
            if (term < 0 || term < intent.fence().term()) {
                throw new PublishException(PublishException.Kind.NOT_LEADING, "this node no longer leads");
            }
            long remaining = node.leaseRemainingNanos();
            if (remaining <= requestTimeout.toNanos()) {
                throw new PublishException(PublishException.Kind.NOT_LEADING, "the lease runs "
                        + Duration.ofNanos(remaining).toMillis() + " ms more, not longer than the request timeout of "
                        + requestTimeout.toMillis() + " ms");
            }
        };
    }
}
