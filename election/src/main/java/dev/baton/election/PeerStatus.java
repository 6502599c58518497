package dev.baton.election;

/**
 * One peer as this node sees it.
 *
 * @param reachable          heard from within the follower timeout
 * @param lastContactAgoNanos time since anything was last received from it, or -1 if never
 * @param commitIndex        the commit index it last reported
 */
public record PeerStatus(int id, boolean witness, boolean reachable, long lastContactAgoNanos, long commitIndex) {
}
