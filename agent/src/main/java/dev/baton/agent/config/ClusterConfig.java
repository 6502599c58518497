package dev.baton.agent.config;

import dev.baton.election.Timings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The static cluster: its name, this node's id, every member, the shared key, this node's data directory
 * (absolute) and the election's timings. {@link #toString()} is safe to log: the key prints redacted.
 */
public record ClusterConfig(String name, int node, List<MemberConfig> members, ClusterKey key, Path dataDir,
                            Timings timings) {
    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timings, "timings");
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
