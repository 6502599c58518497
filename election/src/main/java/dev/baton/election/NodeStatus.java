package dev.baton.election;

import java.util.List;

/**
 * A point-in-time view of one node.
 *
 * @param leaderId               the leader this node believes in (itself when leading), 0 if none
 * @param leaseRemainingNanos    on the leader: how long its lease still runs; on a follower: how long its
 *                               promise to the leader still runs; 0 if none
 * @param majorityContactAgoNanos time since the send of this node's latest message that a majority (itself
 *                               included) has answered; -1 if never. Because it is timed from the send, a
 *                               message that waited in a socket buffer during a pause does not look fresh.
 * @param highestKnownCommit     the highest commit index any member (this one included) has reported
 * @param commitIndex            the highest index this node knows to be committed (and has delivered)
 * @param recovering             this node lost its data directory and has not yet caught up to a commit index a
 *                               majority confirmed: it neither promises nor stands until a leader catches it up
 */
public record NodeStatus(int selfId, Role role, boolean leading, long term, int leaderId, long commitIndex,
                         long lastIndex, long leaseRemainingNanos, long majorityContactAgoNanos,
                         long highestKnownCommit, List<PeerStatus> peers, boolean recovering) {
    public NodeStatus {
        peers = List.copyOf(peers);
    }

    /** A node that is not recovering from a lost disk. */
    public NodeStatus(int selfId, Role role, boolean leading, long term, int leaderId, long commitIndex,
                      long lastIndex, long leaseRemainingNanos, long majorityContactAgoNanos,
                      long highestKnownCommit, List<PeerStatus> peers) {
        this(selfId, role, leading, term, leaderId, commitIndex, lastIndex, leaseRemainingNanos,
                majorityContactAgoNanos, highestKnownCommit, peers, false);
    }

    /**
     * Whether this node's committed state is known to be current: a majority answered a message it sent
     * within {@code withinNanos}, and no member has reported a commit it has not delivered.
     */
    public boolean isCurrent(long withinNanos) {
        return majorityContactAgoNanos >= 0 && majorityContactAgoNanos <= withinNanos
                && commitIndex >= highestKnownCommit;
    }
}
