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
    /** Round-trip time of our pings to this peer (RFC 6298's smoothed estimate and variation), NEVER before the first. */
    long srttNanos = NEVER;
    long rttVarNanos;
    /** The latest round trips, for an estimate that retransmission stalls do not move. */
    private final long[] recentRtts = new long[16];
    int rttSamples;

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

    /** RFC 6298 section 2: the first sample sets the estimate, later ones move it by 1/8 (variation by 1/4). */
    void sampleRtt(long rttNanos) {
        if (rttNanos < 0) return;
        recentRtts[rttSamples++ % recentRtts.length] = rttNanos;
        if (srttNanos == NEVER) {
            srttNanos = rttNanos;
            rttVarNanos = rttNanos / 2;
        } else {
            rttVarNanos += (Math.abs(srttNanos - rttNanos) - rttVarNanos) / 4;
            srttNanos += (rttNanos - srttNanos) / 8;
        }
    }

    /** How long an answer from this peer may take (RFC 6298's RTO without its 1 s floor); NEVER before a sample. */
    long rttBoundNanos() {
        return srttNanos == NEVER ? NEVER : srttNanos + 4 * rttVarNanos;
    }

    /**
     * The lowest of the latest 16 round trips (1.6 s of pings at the default heartbeat), NEVER before 8: the
     * link's delay without the stalls that loss causes (TCP holds every later message behind a lost one, so at
     * 5 % loss even the median is stalled). BBR's min_rtt filter, over a shorter window.
     */
    long baseRttNanos() {
        int n = Math.min(rttSamples, recentRtts.length);
        if (n < recentRtts.length / 2) return NEVER;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) min = Math.min(min, recentRtts[i]);
        return min;
    }

    void resetCandidacy() {
        promised = false;
        promiseLastIndex = 0;
        promiseLastTerm = 0;
        retryPrepareAt = NEVER;
        ackedSendTime = NEVER;
    }
}
