package dev.baton.agent.config;

import java.util.Objects;

/** One cluster member: its id, where its peers dial it, and whether it may never lead ({@code witness}). */
public record MemberConfig(int id, HostPort address, boolean witness) {
    public MemberConfig {
        if (id < 1) throw new IllegalArgumentException("member id must be positive: " + id);
        Objects.requireNonNull(address, "address");
    }
}
