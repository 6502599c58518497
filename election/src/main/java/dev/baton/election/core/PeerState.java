package dev.baton.election.core;

/** What one node tracks about one peer: failure detector, reported view, replication and candidacy. */
final class PeerState {
    static final long NEVER = Long.MIN_VALUE;

    final int id;
    final boolean witness;

    // failure detector
    long lastHeard = NEVER;
    long aliveSince = NEVER;
    long incarnation;
    /** The highest term in which this peer told us it stepped down (Release, HandOver). */
    long releasedTerm;
    /** Latest send time (ours) of a message this peer answered, in our current incarnation. */
    long answeredSendTime = NEVER;
    Message.View view;

    // leader: replication (Raft's nextIndex / matchIndex), and the lease evidence for the current term
    long nextIndex;
    long matchIndex;
    long ackedSendTime = NEVER;
    long lastAppendSent = NEVER;
    long commitSent;
    boolean awaitingAck;

    // candidate
    boolean promised;
    long promiseLastIndex;
    long promiseLastTerm;
    long retryPrepareAt = NEVER;

    PeerState(int id, boolean witness) {
        this.id = id;
        this.witness = witness;
    }

    boolean alive(long now, long timeoutNanos) {
        return lastHeard != NEVER && now - lastHeard < timeoutNanos;
    }

    /**
     * A peer that can lead if asked: reachable, not a witness, in contact with a majority, and not blocked
     * by a lost disk (an amnesiac peer with an empty log can still lead a new cluster's first election).
     */
    boolean electable(long now, long timeoutNanos) {
        return !witness && alive(now, timeoutNanos) && view != null && view.seesMajority()
                && (!view.amnesiac() || view.lastIndex() == 0);
    }

    void heard(long now, long timeoutNanos) {
        if (!alive(now, timeoutNanos)) aliveSince = now;
        lastHeard = now;
    }

    void answered(long sendTime) {
        if (sendTime > answeredSendTime || answeredSendTime == NEVER) answeredSendTime = sendTime;
    }

    void resetCandidacy() {
        promised = false;
        promiseLastIndex = 0;
        promiseLastTerm = 0;
        retryPrepareAt = NEVER;
        ackedSendTime = NEVER;
    }
}
