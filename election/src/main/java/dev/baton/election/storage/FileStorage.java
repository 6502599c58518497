package dev.baton.election.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link Storage} over a data directory, durable across crashes and power loss:
 * <ul>
 *   <li>{@code state}: term, promise and {@link RecoveryState}, replaced atomically (temp file, fsync, rename, fsync directory),
 *       with a magic number, a format version and a CRC32C;</li>
 *   <li>{@code log}: append-only CRC-checked records, forced after every batch (see {@link LogFile} for the
 *       layout and the torn-tail rule);</li>
 *   <li>{@code snapshot}: index, term and application data, replaced atomically like {@code state};</li>
 *   <li>{@code lock}: held with an exclusive OS lock while the storage is open.</li>
 * </ul>
 *
 * <p>The constructor creates the directory if needed and takes the lock; {@link #load()} must be called
 * next, once. Then every method returns only after its change is on disk (FileChannel.force). Calls come from
 * the node's single protocol thread; the class is not thread-safe. After a method has thrown
 * {@link StorageException}, every later call throws too: what is on disk is no longer known, so the node
 * must stop and reopen the directory (which recovers from a torn write).
 *
 * <p>A protocol bug (an append with a gap, a term going back, an older snapshot) throws
 * {@link IllegalStateException} without touching the disk, exactly like {@link MemoryStorage}.
 */
public final class FileStorage implements Storage {

    public static final String STATE_FILE = "state";
    public static final String SNAPSHOT_FILE = "snapshot";
    public static final String LOG_FILE = LogFile.FILE_NAME;
    public static final String LOCK_FILE = DataDirLock.FILE_NAME;

    private static final int STATE_MAGIC = 0x42545354; // "BTST"
    private static final int SNAPSHOT_MAGIC = 0x4254534E; // "BTSN"
    private static final int STATE_BODY_BYTES_V0 = 12;
    private static final int STATE_BODY_BYTES = 13;

    private final Path dir;
    private final Path stateFile;
    private final Path snapshotFile;
    private final LogFile log;
    private final DataDirLock lock;

    private long term;
    private int promisedTo = -1;
    private RecoveryState recovery = RecoveryState.NONE;
    private Snapshot snapshot = Snapshot.EMPTY;
    private boolean loaded;
    private boolean closed;
    private StorageException failure;

    /**
     * Opens (creating it if missing) the data directory and locks it.
     *
     * @throws StorageException if the directory cannot be created, or another process (or another open
     *                          FileStorage in this one) holds its lock
     */
    public FileStorage(Path dataDir) {
        this.dir = dataDir;
        this.stateFile = dir.resolve(STATE_FILE);
        this.snapshotFile = dir.resolve(SNAPSHOT_FILE);
        this.log = new LogFile(dir.resolve(LOG_FILE));
        createDirectory(dir);
        this.lock = DataDirLock.acquire(dir);
    }

    /** The data directory. */
    public Path directory() {
        return dir;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Also finishes a compaction that a crash interrupted (snapshot saved, log not yet rewritten).
     *
     * @throws StorageException if a file is corrupt (bad checksum, bad magic, a bad log record followed by
     *                          valid ones, a gap between the snapshot and the log); the message names the file
     */
    @Override
    public PersistentState load() {
        checkOpen();
        if (loaded) throw new IllegalStateException("load() was already called");
        boolean fresh = !Files.exists(stateFile) && !Files.exists(log.path()) && !Files.exists(snapshotFile);
        return guarded(() -> {
            DurableFiles.deleteLeftoverTmp(stateFile);
            DurableFiles.deleteLeftoverTmp(snapshotFile);
            readState();
            readSnapshot();
            List<LogEntry> entries = log.load();
            reconcileLogWithSnapshot();
            long first = snapshot.index() + 1;
            List<LogEntry> kept = log.isEmpty() ? List.of()
                    : entries.subList((int) (log.firstIndex() - entries.get(0).index()), entries.size());
            assert kept.isEmpty() || kept.get(0).index() == first;
            loaded = true;
            return new PersistentState(fresh, term, promisedTo, snapshot, kept, recovery);
        });
    }

    @Override
    public void saveTerm(long term, int promisedTo) {
        checkUsable();
        StorageRules.checkTerm(this.term, term, promisedTo);
        writeState(term, promisedTo, recovery);
    }

    @Override
    public void saveRecovery(RecoveryState recovery) {
        checkUsable();
        writeState(term, promisedTo, java.util.Objects.requireNonNull(recovery, "recovery"));
    }

    /**
     * The state file's body: {@code [term:8][promisedTo:4][recovery:1]}. A body of 12 bytes, written before the
     * recovery byte existed, reads as {@link RecoveryState#NONE}.
     */
    private void writeState(long term, int promisedTo, RecoveryState recovery) {
        guarded(() -> {
            ByteBuffer body = ByteBuffer.allocate(STATE_BODY_BYTES).putLong(term).putInt(promisedTo)
                    .put((byte) recovery.code).flip();
            DurableFiles.writeSealed(stateFile, STATE_MAGIC, body);
            return null;
        });
        this.term = term;
        this.promisedTo = promisedTo;
        this.recovery = recovery;
    }

    @Override
    public void append(List<LogEntry> entries) {
        checkUsable();
        StorageRules.checkAppend(lastIndex(), entries);
        guarded(() -> {
            log.append(entries);
            return null;
        });
    }

    @Override
    public void truncateFrom(long index) {
        checkUsable();
        StorageRules.checkTruncate(index);
        guarded(() -> {
            log.truncateFrom(Math.max(index, snapshot.index() + 1));
            return null;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The snapshot file is replaced first, then the log is rewritten; a crash in between is repaired by
     * the next {@link #load()}.
     */
    @Override
    public void saveSnapshot(Snapshot next) {
        checkUsable();
        StorageRules.checkSnapshot(snapshot, next);
        Snapshot copy = new Snapshot(next.index(), next.term(), next.data().clone());
        boolean keep = StorageRules.keepsLaterEntries(snapshot, copy, log.termAt(copy.index()));
        guarded(() -> {
            ByteBuffer body = ByteBuffer.allocate(20 + copy.data().length)
                    .putLong(copy.index()).putLong(copy.term()).putInt(copy.data().length).put(copy.data()).flip();
            DurableFiles.writeSealed(snapshotFile, SNAPSHOT_MAGIC, body);
            snapshot = copy;
            if (keep) log.dropThrough(copy.index());
            else log.dropAll();
            return null;
        });
    }

    /**
     * What a stopped node's data directory holds, as {@link #inspect} and {@link #forceNewCluster} found it.
     *
     * @param term          the stored term (the node stands above it)
     * @param lastIndex     the index of the last entry the node keeps (log or snapshot)
     * @param snapshotIndex the snapshot's index, 0 if none
     * @param recovery      the recovery state found; {@link RecoveryState#AMNESIAC} means this node itself had
     *                      not caught up since it lost its disk, so its log may lack committed entries
     */
    public record SurvivingLog(long term, long lastIndex, long snapshotIndex, RecoveryState recovery) {
        static SurvivingLog of(PersistentState state) {
            long snapshotIndex = state.snapshot().index();
            long lastIndex = state.entries().isEmpty() ? snapshotIndex
                    : state.entries().get(state.entries().size() - 1).index();
            return new SurvivingLog(state.term(), lastIndex, snapshotIndex, state.recovery());
        }
    }

    /**
     * Reads a stopped node's data directory without changing it, e.g. to find the survivor with the longest log.
     *
     * @throws StorageException      if another process holds the directory (the agent runs), or it is corrupt
     * @throws IllegalStateException if {@code dataDir} is not a directory
     */
    public static SurvivingLog inspect(Path dataDir) {
        if (!Files.isDirectory(dataDir)) throw new IllegalStateException(dataDir + " is not a data directory");
        try (FileStorage storage = new FileStorage(dataDir)) {
            return SurvivingLog.of(storage.load());
        }
    }

    /**
     * The operator's way out when a majority of members lost their data directories (etcd's
     * {@code --force-new-cluster}): marks the stopped node's data directory so that at its next start it stands
     * and commits as a majority of one, over the log it kept; the members that lost their disks then catch up
     * from it and the normal majority rule resumes once a real majority holds its first entry. Whatever was
     * committed but is missing from this log is lost, and if a member that did not lose its disk is still
     * running with a longer log, its extra entries are overwritten: the caller must be sure.
     *
     * @throws StorageException      if another process holds the directory (the agent runs), or it is corrupt
     * @throws IllegalStateException if the directory holds no entry and no snapshot: a new cluster never forms
     *                               from an empty log this way (delete every member's directory instead)
     */
    public static SurvivingLog forceNewCluster(Path dataDir) {
        if (!Files.isDirectory(dataDir)) throw new IllegalStateException(dataDir + " is not a data directory");
        try (FileStorage storage = new FileStorage(dataDir)) {
            SurvivingLog found = SurvivingLog.of(storage.load());
            if (found.lastIndex() == 0) {
                throw new IllegalStateException(dataDir + " holds an empty log: refusing to form a new cluster from"
                        + " nothing (for a brand-new cluster, start every member with an empty data directory)");
            }
            storage.saveRecovery(RecoveryState.FORCED_NEW_CLUSTER);
            return found;
        }
    }

    /** Releases the lock and closes the files. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        log.close();
        lock.close();
    }

    @Override
    public String toString() {
        return "FileStorage[" + dir + "]";
    }

    private long lastIndex() {
        return log.isEmpty() ? snapshot.index() : log.lastIndex();
    }

    private void readState() {
        ByteBuffer body = DurableFiles.readSealed(stateFile, STATE_MAGIC);
        if (body == null) return;
        int length = body.remaining();
        if (length != STATE_BODY_BYTES && length != STATE_BODY_BYTES_V0) {
            throw new StorageException(stateFile + ": body of " + length + " bytes, expected " + STATE_BODY_BYTES
                    + " (or " + STATE_BODY_BYTES_V0 + " from an older version)");
        }
        long t = body.getLong();
        int p = body.getInt();
        RecoveryState r = length == STATE_BODY_BYTES_V0 ? RecoveryState.NONE : RecoveryState.ofCode(body.get());
        if (t < 0 || p < -1 || r == null) {
            throw new StorageException(stateFile + ": invalid term " + t + ", promise " + p + " or recovery state");
        }
        term = t;
        promisedTo = p;
        recovery = r;
    }

    private void readSnapshot() {
        ByteBuffer body = DurableFiles.readSealed(snapshotFile, SNAPSHOT_MAGIC);
        if (body == null) return;
        if (body.remaining() < 20) {
            throw new StorageException(snapshotFile + ": body of " + body.remaining() + " bytes is too short");
        }
        long index = body.getLong();
        long t = body.getLong();
        int length = body.getInt();
        if (index < 0 || t < 0 || length != body.remaining()) {
            throw new StorageException(snapshotFile + ": invalid index " + index + ", term " + t
                    + " or data length " + length + " (" + body.remaining() + " bytes present)");
        }
        byte[] data = new byte[length];
        body.get(data);
        snapshot = new Snapshot(index, t, data);
    }

    /** The log must start right after the snapshot; if it starts at or before it, a compaction was cut short. */
    private void reconcileLogWithSnapshot() {
        if (log.isEmpty()) return;
        long first = log.firstIndex();
        if (first > snapshot.index() + 1) {
            throw new StorageException(log.path() + ": starts at index " + first + " but the snapshot ends at index "
                    + snapshot.index() + ": entries " + (snapshot.index() + 1) + ".." + (first - 1) + " are missing");
        }
        if (first <= snapshot.index()) {
            if (log.termAt(snapshot.index()) == snapshot.term()) log.dropThrough(snapshot.index());
            else log.dropAll();
        }
    }

    private static void createDirectory(Path dir) {
        if (Files.isDirectory(dir)) return;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException(dir + ": cannot create the data directory: " + e, e);
        }
        // The new directory's own entry must survive a crash too, or acknowledged files would vanish with it.
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) DurableFiles.forceDirectory(parent);
    }

    private interface Action<T> {
        T run();
    }

    /** Runs a disk action; a failure poisons the storage, since the disk content is then unknown. */
    private <T> T guarded(Action<T> action) {
        try {
            return action.run();
        } catch (StorageException e) {
            failure = e;
            throw e;
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(this + " is closed");
        if (failure != null) {
            throw new StorageException(dir + ": an earlier operation failed (" + failure.getMessage()
                    + "); reopen the data directory", failure);
        }
    }

    private void checkUsable() {
        checkOpen();
        if (!loaded) throw new IllegalStateException("load() must be called before any other method");
    }
}
