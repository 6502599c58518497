package dev.baton.agent.runtime;

import dev.baton.election.NodeStatus;
import dev.baton.election.PeerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Tells the operator, in the log, why the cluster has no leader, once it has had none for a while: which members
 * this node cannot reach; when its log is empty in a new cluster, that the first election waits for every
 * member (a rule that surprises whoever starts two nodes of three to try Baton out); when this node lost its data
 * directory, that it waits to be caught up; and when fewer than a majority of members kept their data, that no
 * leader will come without {@code baton recover --force-new-cluster}.
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
        boolean history = status.lastIndex() > 0 || status.highestKnownCommit() > 0;
        if (!history) {
            text.append(" This node's log is empty: a new cluster holds its first election only once every member"
                    + " is up and reachable.");
            return Optional.of(text.toString());
        }
        if (status.recovering()) {
            text.append(" This node lost its data directory and has not caught up: it neither votes nor stands until"
                    + " a leader catches it up, and a leader needs the votes of a majority of members that kept their"
                    + " data.");
        }
        List<String> lost = new ArrayList<>();
        if (status.recovering()) lost.add("node " + status.selfId() + " (this one)");
        status.peers().stream().filter(PeerStatus::recovering).forEach(p -> lost.add("node " + p.id()));
        int majority = members / 2 + 1;
        if (members - lost.size() < majority) {
            text.append(" Members that lost their data directory: ").append(String.join(", ", lost)).append("; only ")
                    .append(members - lost.size()).append(" of ").append(members).append(" kept theirs, fewer than a"
                            + " majority: no leader will be elected again without an operator. On the surviving member"
                            + " with the longest log, stop the agent and run: baton recover --force-new-cluster --config"
                            + " FILE (see OPERATIONS.md for what it loses).");
        }
        return Optional.of(text.toString());
    }
}
