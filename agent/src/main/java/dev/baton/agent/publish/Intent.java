package dev.baton.agent.publish;

import java.util.Objects;
import java.util.Optional;

/**
 * What one scope's publishers must make true now, built from this node's committed state: the value every
 * publisher reconciles towards. Two intents that are equal need no new write.
 *
 * @param scope                the service name, or {@link #LEADER_SCOPE} for {@code leader.publish}
 * @param placement            where the scope points; empty when the service answers nothing (no healthy
 *                             instance and {@code when_none_healthy: none}) or no leader is known
 * @param previous             where it pointed before this decision, when known (for hooks)
 * @param fence                the decision's term and log index (leader scope: the leader's term and the
 *                             index of the commit that made it leader, or 0)
 * @param reason               the decision's reason, human-readable
 * @param decidedAtEpochMillis when the leader decided (wall clock), 0 when unknown
 * @param role                 this node's own role now
 * @param holdHere             whether a node-local resource (a VIP) belongs on this node now: for a service,
 *                             this node is current and hosts the active instance ({@code member}); for the
 *                             leader scope, this node leads
 */
public record Intent(String scope, Optional<Placement> placement, Optional<Placement> previous, Fence fence,
                     String reason, long decidedAtEpochMillis, Role role, boolean holdHere) {
    public static final String LEADER_SCOPE = "leader";

    public Intent {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(fence, "fence");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(role, "role");
    }

    public boolean isLeaderScope() {
        return LEADER_SCOPE.equals(scope);
    }
}
