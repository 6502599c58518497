package dev.baton.election.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Storage} kept in memory, for the deterministic simulator. Every call is "durable" on return, so a
 * simulated crash keeps exactly what was stored: {@link #reopen()} hands the restarted node a new storage
 * over the same content, {@link #wiped()} one over an empty disk (a lost or replaced disk).
 *
 * <p>It applies the same checks as {@link FileStorage} (appends must be contiguous, terms never go back,
 * snapshots never go back) and throws {@link IllegalStateException} when the protocol breaks them. It copies
 * every byte array in and out, so a caller cannot change stored content by mutating an array afterwards.
 *
 * <p>Not thread-safe: the simulator drives it from a single thread. The read-only accessors ({@link #term()},
 * {@link #entries()}, ...) are for invariant checkers; they read the durable content and work at any time,
 * even after the instance was closed or reopened.
 */
public final class MemoryStorage implements Storage {

    /** The simulated disk, shared by an instance and the instances {@link #reopen()} makes from it. */
    private static final class Disk {
        boolean written;
        long term;
        int promisedTo = -1;
        RecoveryState recovery = RecoveryState.NONE;
        Snapshot snapshot = Snapshot.EMPTY;
        final ArrayList<LogEntry> log = new ArrayList<>();

        long lastIndex() {
            return log.isEmpty() ? snapshot.index() : log.get(log.size() - 1).index();
        }

        long termAt(long index) {
            long first = snapshot.index() + 1;
            return index >= first && index < first + log.size() ? log.get((int) (index - first)).term() : -1;
        }
    }

    private final Disk disk;
    private boolean loaded;
    private boolean closed;

    /** A storage over an empty disk: its first {@link #load()} reports a fresh node. */
    public MemoryStorage() {
        this(new Disk());
    }

    private MemoryStorage(Disk disk) {
        this.disk = disk;
    }

    /**
     * Simulates a crash and restart: this instance is closed (further calls throw, as the crashed process is
     * gone) and the returned one sees everything stored so far. Call {@link #load()} on it first.
     */
    public MemoryStorage reopen() {
        closed = true;
        return new MemoryStorage(disk);
    }

    /** Simulates a crash with the loss of the disk: this instance is closed, the returned one is empty. */
    public MemoryStorage wiped() {
        closed = true;
        return new MemoryStorage();
    }

    /**
     * Simulates {@code baton recover --force-new-cluster} on a stopped node, with the rules of
     * {@link FileStorage#forceNewCluster}: this instance is closed, the returned one holds the same content marked
     * {@link RecoveryState#FORCED_NEW_CLUSTER}.
     *
     * @throws IllegalStateException if the disk holds no entry and no snapshot
     */
    public MemoryStorage forcingNewCluster() {
        if (disk.lastIndex() == 0) throw new IllegalStateException("empty log: refusing to form a new cluster from nothing");
        closed = true;
        disk.recovery = RecoveryState.FORCED_NEW_CLUSTER;
        disk.written = true;
        return new MemoryStorage(disk);
    }

    @Override
    public PersistentState load() {
        checkOpen();
        if (loaded) throw new IllegalStateException("load() was already called");
        loaded = true;
        return new PersistentState(!disk.written, disk.term, disk.promisedTo, snapshot(), entries(), disk.recovery);
    }

    @Override
    public void saveTerm(long term, int promisedTo) {
        checkLoaded();
        StorageRules.checkTerm(disk.term, term, promisedTo);
        disk.term = term;
        disk.promisedTo = promisedTo;
        disk.written = true;
    }

    @Override
    public void saveRecovery(RecoveryState recovery) {
        checkLoaded();
        disk.recovery = java.util.Objects.requireNonNull(recovery, "recovery");
        disk.written = true;
    }

    @Override
    public void append(List<LogEntry> entries) {
        checkLoaded();
        StorageRules.checkAppend(disk.lastIndex(), entries);
        for (LogEntry e : entries) disk.log.add(copy(e));
        if (!entries.isEmpty()) disk.written = true;
    }

    @Override
    public void truncateFrom(long index) {
        checkLoaded();
        StorageRules.checkTruncate(index);
        long first = disk.snapshot.index() + 1;
        long keep = Math.max(0, index - first);
        if (keep < disk.log.size()) disk.log.subList((int) keep, disk.log.size()).clear();
    }

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        checkLoaded();
        StorageRules.checkSnapshot(disk.snapshot, snapshot);
        boolean keep = StorageRules.keepsLaterEntries(disk.snapshot, snapshot, disk.termAt(snapshot.index()));
        if (keep) {
            long covered = snapshot.index() - disk.snapshot.index();
            disk.log.subList(0, (int) Math.min(covered, disk.log.size())).clear();
        } else {
            disk.log.clear();
        }
        disk.snapshot = new Snapshot(snapshot.index(), snapshot.term(), snapshot.data().clone());
        disk.written = true;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The stored term (0 before any {@link #saveTerm}). */
    public long term() {
        return disk.term;
    }

    /** The stored recovery state; a disk never written reads as {@link RecoveryState#NONE}. */
    public RecoveryState recovery() {
        return disk.recovery;
    }

    /** Whether nothing was ever stored: a node starting on it is fresh (first start or a lost disk). */
    public boolean blank() {
        return !disk.written;
    }

    /** The stored promise, -1 for none. */
    public int promisedTo() {
        return disk.promisedTo;
    }

    /** A copy of the stored snapshot ({@link Snapshot#EMPTY} if none). */
    public Snapshot snapshot() {
        Snapshot s = disk.snapshot;
        return s.index() == 0 && s.data().length == 0 ? s : new Snapshot(s.index(), s.term(), s.data().clone());
    }

    /** Copies of the stored log entries after the snapshot, in index order. */
    public List<LogEntry> entries() {
        List<LogEntry> out = new ArrayList<>(disk.log.size());
        for (LogEntry e : disk.log) out.add(copy(e));
        return List.copyOf(out);
    }

    /** A copy of the stored entry at {@code index}, or empty if the log does not hold it. */
    public Optional<LogEntry> entry(long index) {
        long first = disk.snapshot.index() + 1;
        if (index < first || index >= first + disk.log.size()) return Optional.empty();
        return Optional.of(copy(disk.log.get((int) (index - first))));
    }

    /** The index of the last stored entry, or the snapshot's index when the log is empty. */
    public long lastIndex() {
        return disk.lastIndex();
    }

    private static LogEntry copy(LogEntry e) {
        return new LogEntry(e.index(), e.term(), e.kind(), e.data().clone());
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this MemoryStorage was closed (or its node crashed)");
    }

    private void checkLoaded() {
        checkOpen();
        if (!loaded) throw new IllegalStateException("load() must be called before any other method");
    }
}
