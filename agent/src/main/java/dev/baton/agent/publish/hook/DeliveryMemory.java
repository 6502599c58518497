package dev.baton.agent.publish.hook;

import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.Role;
import java.util.Optional;

/**
 * What a hook publisher last delivered successfully. A hook cannot be read back, so this memory stands in for
 * the read: the same intent again is in sync, anything else is delivered. It lives in one publisher object on
 * one node, so a new leader (or a restarted agent) starts empty and delivers the current decision again: at
 * least once. Forgotten before each attempt (a failed or half-run hook leaves the receiver's state unknown)
 * and when this node is found not leading.
 *
 * <p>Not thread-safe by itself; the engine never calls one publisher from two threads at once (Publisher).
 */
final class DeliveryMemory {
    /** What makes two intents the same delivery: the decision (fence), where it points and from, and the role. */
    record Key(String scope, Fence fence, Optional<Placement> placement, Optional<Placement> previous, Role role) {
        static Key of(Intent intent) {
            return new Key(intent.scope(), intent.fence(), intent.placement(), intent.previous(), intent.role());
        }
    }

    private volatile Key delivered;

    boolean alreadyDelivered(Intent intent) {
        return Key.of(intent).equals(delivered);
    }

    void forget() {
        delivered = null;
    }

    void delivered(Intent intent) {
        delivered = Key.of(intent);
    }
}
