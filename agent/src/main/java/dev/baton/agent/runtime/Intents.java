package dev.baton.agent.runtime;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.MemberConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.decision.Decision;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.Role;
import dev.baton.election.ElectionNode;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds each scope's {@link Intent} from this node's committed state and its standing in the election. Cheap
 * and non-blocking: the publish engine calls it every tick.
 */
final class Intents {
    /**
     * A node-local resource (a VIP) is dropped this long before the node's standing ends (its currentness, or
     * its lease as leader), so that the address is gone before the majority can move it elsewhere: two engine
     * ticks and an {@code ip} command.
     */
    static final long DROP_MARGIN_NANOS = 250_000_000L;

    private final BatonConfig config;
    private final int self;
    private final Supplier<ElectionNode> node;
    private final Supplier<DecisionState.View> view;
    private final long currentWithinNanos;

    Intents(BatonConfig config, Supplier<ElectionNode> node, Supplier<DecisionState.View> view, long currentWithinNanos) {
        this.config = config;
        this.self = config.cluster().node();
        this.node = node;
        this.view = view;
        this.currentWithinNanos = currentWithinNanos;
    }

    /** The service's intent: its committed decision; empty before the first decision. */
    Optional<Intent> service(ServiceConfig service) {
        DecisionState.View state = view.get();
        Optional<Decision> decision = state.decision(service.name());
        if (decision.isEmpty()) return Optional.empty();
        Decision d = decision.get();
        ElectionNode n = node.get();
        Optional<Placement> placement = d.activeInstance().flatMap(service::instance).map(Intents::placement);
        Optional<Placement> previous = state.previous(service.name())
                .flatMap(Decision::activeInstance).flatMap(service::instance).map(Intents::placement);
        boolean current = n.isCurrent(Math.max(0, currentWithinNanos - DROP_MARGIN_NANOS));
        boolean hostsActive = placement.flatMap(Placement::member).map(m -> m == self).orElse(false);
        return Optional.of(new Intent(service.name(), placement, previous, new Fence(d.term(), state.index(service.name())),
                d.reason(), d.decidedAtEpochMillis(), role(n), current && hostsActive));
    }

    /**
     * The service's intent for a node-local publisher (a VIP): as {@link #service}, but before the first
     * decision an intent that holds nothing here, so an address left behind by a crashed agent is removed at
     * once rather than when the first decision arrives.
     */
    Optional<Intent> serviceHere(ServiceConfig service) {
        Optional<Intent> decided = service(service);
        if (decided.isPresent()) return decided;
        return Optional.of(new Intent(service.name(), Optional.empty(), Optional.empty(), new Fence(0, 0),
                "no decision yet", 0, role(node.get()), false));
    }

    /**
     * The leader scope's intent. On the leader: itself, fenced by its term. On a follower: no placement and a
     * zero fence, so that its intent changes only with its own role (a follower's hooks do not run again for
     * every election elsewhere).
     */
    Optional<Intent> leader() {
        ElectionNode n = node.get();
        long term = n.leadingTerm();
        if (term >= 0) {
            boolean hold = n.leaseRemainingNanos() > DROP_MARGIN_NANOS;
            return Optional.of(new Intent(Intent.LEADER_SCOPE, Optional.of(placement(config.cluster().self())),
                    Optional.empty(), new Fence(term, 0), "node " + self + " leads (term " + term + ")", 0,
                    Role.LEADER, hold));
        }
        return Optional.of(new Intent(Intent.LEADER_SCOPE, Optional.empty(), Optional.empty(), new Fence(0, 0),
                "node " + self + " does not lead", 0, Role.FOLLOWER, false));
    }

    private static Role role(ElectionNode n) {
        return n.isLeader() ? Role.LEADER : Role.FOLLOWER;
    }

    private static Placement placement(InstanceConfig instance) {
        return new Placement(instance.name(), instance.address().text(), instance.dropletId(), instance.member());
    }

    private static Placement placement(MemberConfig member) {
        return new Placement("node-" + member.id(), member.address().host(), member.dropletId(), Optional.of(member.id()));
    }
}
