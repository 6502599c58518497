package dev.baton.election.sim;

import dev.baton.election.core.ElectionCore;
import dev.baton.election.storage.MemoryStorage;

import java.util.ArrayDeque;

/** One simulated process: its disk survives crashes (unless wiped), its clock drifts, it can be paused. */
final class SimNode {
    final int id;
    final boolean witness;
    MemoryStorage disk = new MemoryStorage();
    ElectionCore core;
    boolean up;
    boolean paused;
    /** Inputs that arrived while paused, handled in order on resume (like a socket buffer). */
    final ArrayDeque<Runnable> pausedInbox = new ArrayDeque<>();
    /** The clock: local = offset + real * rate. A new process gets a new offset (nanoTime's origin is arbitrary). */
    long clockOffset;
    double clockRate = 1.0;
    long incarnationEpoch;
    // the application: a running hash of delivered entries, and how far it has got
    long appliedIndex;
    long appliedHash;
    long lastGainedTerm = -1;
    /** How many entries this node committed as leader, per term (the application saw them as the leader's). */
    final java.util.Map<Long, Integer> leaderCommits = new java.util.HashMap<>();
    boolean gained;

    SimNode(int id, boolean witness) {
        this.id = id;
        this.witness = witness;
    }

    long local(long real) {
        return clockOffset + (long) (real * clockRate);
    }

    /** The real time at which this node's clock reads {@code local}. */
    long real(long local) {
        return (long) Math.ceil((local - clockOffset) / clockRate);
    }
}
