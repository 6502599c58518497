package dev.baton.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The static cluster: its name, this node's id, every member, the shared key and this node's data directory
 * (absolute). {@link #toString()} is safe to log: the key prints redacted.
 */
public record ClusterConfig(String name, int node, List<MemberConfig> members, ClusterKey key, Path dataDir) {
    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dataDir, "dataDir");
        if (members.stream().noneMatch(m -> m.id() == node)) {
            throw new IllegalArgumentException("node " + node + " is not a member");
        }
    }

    /** This node's own member entry. */
    public MemberConfig self() {
        return members.stream().filter(m -> m.id() == node).findFirst().orElseThrow();
    }

    /** Every member except this node. */
    public List<MemberConfig> peers() {
        return members.stream().filter(m -> m.id() != node).toList();
    }
}
