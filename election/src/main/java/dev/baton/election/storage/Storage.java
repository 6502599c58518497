package dev.baton.election.storage;

import java.io.Closeable;
import java.util.List;

/**
 * Durable state of one node: term, promise, log and snapshot.
 *
 * <p>Contract: every method is called from the node's single protocol thread and returns only once the
 * change is durable (written and fsynced), because the protocol acknowledges it right after. A method
 * that cannot make the change durable throws {@link StorageException}; the node then stops rather than
 * acknowledge something it may lose.
 *
 * <p>A call that would break the log's shape (an append with a gap or an overlap, a term or a snapshot
 * going back, an entry over {@link #MAX_ENTRY_BYTES}) is a protocol bug, not a disk failure: it throws
 * {@link IllegalStateException} or {@link IllegalArgumentException} and changes nothing. Every
 * implementation ({@link FileStorage}, {@link MemoryStorage}) refuses exactly the same calls.
 */
public interface Storage extends Closeable {

    /** The largest {@link LogEntry#data()} a storage accepts: 64 MiB. */
    int MAX_ENTRY_BYTES = 64 << 20;

    /** Reads everything back. Called once, before any other method. A torn last log record is discarded. */
    PersistentState load();

    /** Records the current term and the promise given in it ({@code promisedTo} -1 for none). */
    void saveTerm(long term, int promisedTo);

    /** Records what the node must still recover; kept across restarts until changed again. */
    void saveRecovery(RecoveryState recovery);

    /** Appends entries that directly follow the current last entry (or the snapshot when the log is empty). */
    void append(List<LogEntry> entries);

    /** Removes every entry with index {@code >= index}. Entries at or below the snapshot are never removed. */
    void truncateFrom(long index);

    /**
     * Stores a snapshot and drops the entries it covers ({@code index <= snapshot.index()}). If the log does
     * not contain the snapshot's index with the snapshot's term, the whole log is dropped (installing a
     * snapshot from the leader).
     */
    void saveSnapshot(Snapshot snapshot);

    @Override
    void close();
}
