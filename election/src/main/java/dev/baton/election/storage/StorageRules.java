package dev.baton.election.storage;

import java.util.List;

/**
 * The checks every {@link Storage} applies before it changes anything, so that {@link FileStorage} and
 * {@link MemoryStorage} refuse exactly the same calls. A refused call is a protocol bug, not an I/O failure:
 * it throws {@link IllegalStateException} or {@link IllegalArgumentException}, never {@link StorageException}.
 */
final class StorageRules {

    private StorageRules() {
    }

    static void checkTerm(long currentTerm, long term, int promisedTo) {
        if (term < 0) throw new IllegalArgumentException("term must be >= 0: " + term);
        if (promisedTo < -1) throw new IllegalArgumentException("promisedTo must be a node id or -1: " + promisedTo);
        // Terms are fencing tokens and must never repeat (DESIGN.md, "Terms"): going back would reuse them.
        if (term < currentTerm) {
            throw new IllegalStateException("term would go back from " + currentTerm + " to " + term);
        }
    }

    /** Entries must follow {@code lastIndex} without a gap or an overlap; overwriting needs truncateFrom first. */
    static void checkAppend(long lastIndex, List<LogEntry> entries) {
        long expected = lastIndex + 1;
        for (LogEntry e : entries) {
            if (e == null) throw new NullPointerException("null log entry");
            if (e.data().length > Storage.MAX_ENTRY_BYTES) {
                throw new IllegalArgumentException("log entry " + e.index() + " has " + e.data().length
                        + " bytes, more than the limit of " + Storage.MAX_ENTRY_BYTES);
            }
            if (e.index() != expected) {
                throw new IllegalStateException("append must continue the log at index " + expected
                        + " but got entry " + e.index() + (e.index() > expected ? " (a gap)" : " (an overlap)"));
            }
            expected++;
        }
    }

    static void checkTruncate(long index) {
        if (index < 1) throw new IllegalArgumentException("truncateFrom index must be >= 1: " + index);
    }

    /** A snapshot never goes back: an older one would forget applied (committed) entries. */
    static void checkSnapshot(Snapshot current, Snapshot next) {
        if (next == null) throw new NullPointerException("snapshot");
        if (next.index() < current.index()) {
            throw new IllegalStateException("snapshot would go back from index " + current.index()
                    + " to " + next.index());
        }
    }

    /**
     * Whether the log entries after {@code next} may be kept: only if the entry at {@code next.index()} is
     * known (in the log, or as the previous snapshot's last entry) and has the snapshot's term, so that the
     * log and the snapshot are one history (Raft §7, log matching). {@code termAtIndex} is -1 when unknown.
     */
    static boolean keepsLaterEntries(Snapshot previous, Snapshot next, long termAtIndex) {
        long known = next.index() == previous.index() ? previous.term() : termAtIndex;
        return known == next.term();
    }
}
