package dev.baton.agent.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One cluster member: its id, where its peers dial it, whether it may never lead ({@code witness}), and the
 * DigitalOcean droplet it runs on ({@code droplet_id}, only needed by {@code leader.publish}'s floating IP).
 */
public record MemberConfig(int id, HostPort address, boolean witness, Optional<Long> dropletId) {
    public MemberConfig {
        if (id < 1) throw new IllegalArgumentException("member id must be positive: " + id);
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(dropletId, "dropletId");
    }

    public MemberConfig(int id, HostPort address, boolean witness) {
        this(id, address, witness, Optional.empty());
    }
}
