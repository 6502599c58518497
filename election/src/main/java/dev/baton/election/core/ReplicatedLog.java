package dev.baton.election.core;

import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.Snapshot;
import dev.baton.election.storage.Storage;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's log: a snapshot followed by entries, kept in memory and written through to {@link Storage}.
 * Entries the leader appended are buffered until {@link #persistPending()} so that many appends share one
 * fsync; {@link #persistedIndex()} is what the leader may count as its own acknowledgement.
 */
final class ReplicatedLog {
    private final Storage storage;
    private Snapshot snapshot;
    private final ArrayList<LogEntry> entries = new ArrayList<>();
    private final ArrayList<LogEntry> pending = new ArrayList<>();

    ReplicatedLog(Storage storage, Snapshot snapshot, List<LogEntry> entries) {
        this.storage = storage;
        this.snapshot = snapshot;
        long expected = snapshot.index() + 1;
        for (LogEntry e : entries) {
            if (e.index() != expected) throw new IllegalStateException("stored log has a gap at index " + expected);
            this.entries.add(e);
            expected++;
        }
    }

    Snapshot snapshot() {
        return snapshot;
    }

    long lastIndex() {
        return snapshot.index() + entries.size();
    }

    long lastTerm() {
        return entries.isEmpty() ? snapshot.term() : entries.get(entries.size() - 1).term();
    }

    long persistedIndex() {
        return lastIndex() - pending.size();
    }

    /** The term of the entry at {@code index}, or -1 if it is compacted away (below the snapshot) or absent. */
    long termAt(long index) {
        if (index == snapshot.index()) return snapshot.term();
        if (index < snapshot.index() || index > lastIndex()) return -1;
        return entries.get((int) (index - snapshot.index() - 1)).term();
    }

    LogEntry entry(long index) {
        return entries.get((int) (index - snapshot.index() - 1));
    }

    /** Entries from {@code from} (above the snapshot) on, at most {@code maxCount} and about {@code maxBytes}. */
    List<LogEntry> slice(long from, int maxCount, long maxBytes) {
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = Math.max(from, snapshot.index() + 1); i <= lastIndex() && out.size() < maxCount; i++) {
            LogEntry e = entry(i);
            bytes += e.data().length + 32;
            if (!out.isEmpty() && bytes > maxBytes) break;
            out.add(e);
        }
        return out;
    }

    /** Leader side: appends in memory; durable after {@link #persistPending()}. */
    LogEntry appendLocal(long term, LogEntry.Kind kind, byte[] data) {
        LogEntry e = new LogEntry(lastIndex() + 1, term, kind, data);
        entries.add(e);
        pending.add(e);
        return e;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    void persistPending() {
        if (pending.isEmpty()) return;
        storage.append(List.copyOf(pending));
        pending.clear();
    }

    /**
     * Follower side (Raft's AppendEntries receiver, rule 3 and 4): skips entries already present with the
     * same term, truncates at the first conflict, appends the rest durably. Returns the entries added.
     * Never truncates at or below {@code commitIndex}: that would lose a committed entry.
     */
    List<LogEntry> merge(List<LogEntry> incoming, long commitIndex) {
        persistPending();
        List<LogEntry> added = new ArrayList<>();
        for (LogEntry e : incoming) {
            if (e.index() <= snapshot.index()) continue;
            if (!added.isEmpty()) {
                added.add(e);
                continue;
            }
            long existing = termAt(e.index());
            if (existing == e.term()) continue;
            if (e.index() > lastIndex() + 1) throw new IllegalStateException("gap before entry " + e.index());
            if (existing != -1) truncateFrom(e.index(), commitIndex);
            added.add(e);
        }
        if (!added.isEmpty()) {
            storage.append(added);
            entries.addAll(added);
        }
        return added;
    }

    void truncateFrom(long index, long commitIndex) {
        if (index <= commitIndex) {
            throw new IllegalStateException("refusing to truncate committed entry " + index + " (commit " + commitIndex + ")");
        }
        if (index > lastIndex()) return;
        persistPending();
        storage.truncateFrom(index);
        int keep = (int) (index - snapshot.index() - 1);
        entries.subList(keep, entries.size()).clear();
    }

    /** Installs a snapshot from the leader; keeps the entries after it if the log agrees at its index. */
    void installSnapshot(Snapshot s) {
        persistPending();
        boolean agrees = termAt(s.index()) == s.term();
        storage.saveSnapshot(s);
        if (agrees && s.index() <= lastIndex()) {
            entries.subList(0, (int) (s.index() - snapshot.index())).clear();
        } else {
            entries.clear();
        }
        snapshot = s;
    }

    /** Application compaction: the state after {@code index} is {@code data}. */
    void compact(long index, byte[] data) {
        if (index <= snapshot.index()) return;
        persistPending();
        Snapshot s = new Snapshot(index, termAt(index), data);
        storage.saveSnapshot(s);
        entries.subList(0, (int) (index - snapshot.index())).clear();
        snapshot = s;
    }
}
