package dev.baton.election.storage;

import java.util.List;

/**
 * What a node finds in its data directory at start.
 *
 * @param fresh      true when the directory held no state at all (first start, or a lost disk): the node
 *                   must not vote until it has caught up, see {@code ElectionCore}
 * @param term       the highest term this node has seen or used (0 initially)
 * @param promisedTo the node this node promised in {@code term}, or -1
 * @param snapshot   the latest snapshot ({@link Snapshot#EMPTY} if none)
 * @param entries    the log entries after the snapshot, contiguous, in index order
 * @param recovery   what the node must still recover ({@link RecoveryState#NONE} in a state file written
 *                   before this field existed)
 */
public record PersistentState(boolean fresh, long term, int promisedTo, Snapshot snapshot, List<LogEntry> entries,
                              RecoveryState recovery) {
    public PersistentState {
        entries = List.copyOf(entries);
        if (recovery == null) throw new NullPointerException("recovery");
    }

    /** A state with nothing to recover. */
    public PersistentState(boolean fresh, long term, int promisedTo, Snapshot snapshot, List<LogEntry> entries) {
        this(fresh, term, promisedTo, snapshot, entries, RecoveryState.NONE);
    }
}
