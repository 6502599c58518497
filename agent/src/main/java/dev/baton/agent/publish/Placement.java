package dev.baton.agent.publish;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a scope points: the active instance of a service, or (for {@code leader.publish}) the leader node.
 *
 * @param instance  the instance name; for the leader scope {@code node-<id>}
 * @param address   the instance's address as configured (IP literal or host name without the root dot); for
 *                  the leader scope the member's host
 * @param dropletId the DigitalOcean droplet that hosts it, when configured
 * @param member    the cluster member that hosts it, when configured (a VIP follows it)
 */
public record Placement(String instance, String address, Optional<Long> dropletId, Optional<Integer> member) {
    public Placement {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(dropletId, "dropletId");
        Objects.requireNonNull(member, "member");
    }
}
