package dev.baton.election;

/**
 * One peer as this node sees it.
 *
 * @param reachable          heard from within the follower timeout
 * @param lastContactAgoNanos time since anything was last received from it, or -1 if never
 * @param commitIndex        the commit index it last reported
 * @param recovering         it last reported that it lost its data directory and has not yet caught up
 */
public record PeerStatus(int id, boolean witness, boolean reachable, long lastContactAgoNanos, long commitIndex,
                         boolean recovering) {
    /** A peer that has not reported a lost disk. */
    public PeerStatus(int id, boolean witness, boolean reachable, long lastContactAgoNanos, long commitIndex) {
        this(id, witness, reachable, lastContactAgoNanos, commitIndex, false);
    }
}
