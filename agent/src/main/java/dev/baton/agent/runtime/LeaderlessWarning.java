package dev.baton.agent.runtime;

import dev.baton.election.NodeStatus;
import dev.baton.election.PeerStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Tells the operator, in the log, why the cluster has no leader, once it has had none for a while: which members
 * this node cannot reach and, when its log is empty, that a new cluster's first election waits for every
 * member (a rule that surprises whoever starts two nodes of three to try Baton out).
 */
final class LeaderlessWarning {
    static final long FIRST_AFTER_MILLIS = 5_000;
    static final long REPEAT_MILLIS = 30_000;

    private final Map<Integer, String> addresses;
    private long leaderlessSince = -1;
    private long lastWarned = -1;

    /** @param addresses every member's id and configured address, this node's included */
    LeaderlessWarning(Map<Integer, String> addresses) {
        this.addresses = Map.copyOf(addresses);
    }

    /** The warning to log now, if one is due. Call it on every turn of the agent loop. */
    Optional<String> check(NodeStatus status, long nowMillis) {
        if (status.leaderId() != 0) {
            leaderlessSince = -1;
            lastWarned = -1;
            return Optional.empty();
        }
        if (leaderlessSince < 0) leaderlessSince = nowMillis;
        long leaderless = nowMillis - leaderlessSince;
        if (leaderless < FIRST_AFTER_MILLIS || (lastWarned >= 0 && nowMillis - lastWarned < REPEAT_MILLIS)) {
            return Optional.empty();
        }
        lastWarned = nowMillis;
        List<PeerStatus> unreachable = status.peers().stream().filter(p -> !p.reachable()).toList();
        int members = status.peers().size() + 1;
        String missing = unreachable.isEmpty() ? "none"
                : unreachable.stream().map(p -> "node " + p.id() + " at " + addresses.get(p.id()))
                        .collect(Collectors.joining(", "));
        StringBuilder text = new StringBuilder("no leader for ").append(leaderless / 1000).append(" s; ")
                .append(members - unreachable.size()).append(" of ").append(members)
                .append(" members reachable from here (this one included), a majority is ").append(members / 2 + 1)
                .append("; unreachable: ").append(missing).append('.');
        if (status.lastIndex() == 0) {
            text.append(" This node's log is empty: a new cluster holds its first election only once every member"
                    + " is up and reachable; a node that lost its data directory waits to catch up from a leader.");
        }
        return Optional.of(text.toString());
    }
}
