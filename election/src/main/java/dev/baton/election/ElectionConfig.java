package dev.baton.election;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The static cluster as one node sees it: its name (bound into every frame's MAC), this node's id, every
 * member (this node included) and the timings. Every node must be given the same members.
 */
public record ElectionConfig(String clusterName, int selfId, List<Member> members, Timings timings) {

    public ElectionConfig {
        Objects.requireNonNull(clusterName, "clusterName");
        if (clusterName.isBlank()) throw new IllegalArgumentException("cluster name is empty");
        members = List.copyOf(members);
        Objects.requireNonNull(timings, "timings");
        Set<Integer> ids = new HashSet<>();
        for (Member m : members) {
            if (!ids.add(m.id())) throw new IllegalArgumentException("duplicate member id " + m.id());
        }
        if (!ids.contains(selfId)) throw new IllegalArgumentException("self id " + selfId + " is not a member");
        if (members.stream().allMatch(Member::witness))
            throw new IllegalArgumentException("every member is a witness: no node could lead");
    }

    public Member member(int id) {
        for (Member m : members) if (m.id() == id) return m;
        throw new IllegalArgumentException("unknown member id " + id);
    }

    public boolean isMember(int id) {
        for (Member m : members) if (m.id() == id) return true;
        return false;
    }

    /** Votes needed for a majority, counting every member (witnesses included). */
    public int majority() {
        return members.size() / 2 + 1;
    }
}
