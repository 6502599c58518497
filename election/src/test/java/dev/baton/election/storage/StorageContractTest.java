package dev.baton.election.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link Storage} must have, run once per implementation, so that the simulator's
 * {@link MemoryStorage} behaves exactly like the real {@link FileStorage}.
 */
abstract class StorageContractTest {

    private Storage current;

    /** A storage over empty durable content, not yet loaded. */
    protected abstract Storage create();

    /** Simulates a crash and restart: a storage over the same durable content as {@code old}, not yet loaded. */
    protected abstract Storage reopen(Storage old);

    @AfterEach
    void closeCurrent() {
        if (current != null) current.close();
    }

    private Storage opened() {
        current = create();
        current.load();
        return current;
    }

    private PersistentState restart() {
        current = reopen(current);
        return current.load();
    }

    static LogEntry entry(long index, long term) {
        byte[] data = ("entry " + index + "@" + term).getBytes(StandardCharsets.UTF_8);
        return new LogEntry(index, term, LogEntry.Kind.DATA, data);
    }

    static List<LogEntry> entries(long from, long to, long term) {
        List<LogEntry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) out.add(entry(i, term));
        return out;
    }

    @Test
    void emptyStorageLoadsAsFresh() {
        current = create();
        PersistentState state = current.load();
        assertThat(state.fresh()).isTrue();
        assertThat(state.term()).isZero();
        assertThat(state.promisedTo()).isEqualTo(-1);
        assertThat(state.snapshot()).isEqualTo(Snapshot.EMPTY);
        assertThat(state.entries()).isEmpty();
        assertThat(restart().fresh()).as("nothing was written, still fresh").isTrue();
    }

    @Test
    void recoveryStateSurvivesRestartsAndTermChanges() {
        Storage s = opened();
        assertThat(restart().recovery()).isEqualTo(RecoveryState.NONE);
        current.saveRecovery(RecoveryState.AMNESIAC);
        PersistentState state = restart();
        assertThat(state.fresh()).as("a stored amnesia is something written").isFalse();
        assertThat(state.recovery()).isEqualTo(RecoveryState.AMNESIAC);
        current.saveTerm(4, 2); // the first Append a wiped node takes: the amnesia must outlive it
        state = restart();
        assertThat(state.recovery()).isEqualTo(RecoveryState.AMNESIAC);
        assertThat(state.term()).isEqualTo(4);
        assertThat(state.promisedTo()).isEqualTo(2);
        current.saveRecovery(RecoveryState.NONE);
        state = restart();
        assertThat(state.recovery()).isEqualTo(RecoveryState.NONE);
        assertThat(state.term()).as("the term is kept when the recovery state changes").isEqualTo(4);
    }

    @Test
    void termAndPromiseSurviveRestart() {
        Storage s = opened();
        s.saveTerm(3, 2);
        s.saveTerm(5, -1);
        s.saveTerm(5, 1);
        PersistentState state = restart();
        assertThat(state.fresh()).isFalse();
        assertThat(state.term()).isEqualTo(5);
        assertThat(state.promisedTo()).isEqualTo(1);
        current.saveTerm(7, 0);
        state = restart();
        assertThat(state.term()).isEqualTo(7);
        assertThat(state.promisedTo()).isZero();
    }

    @Test
    void termNeverGoesBack() {
        Storage s = opened();
        s.saveTerm(4, 1);
        assertThatThrownBy(() -> s.saveTerm(3, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from 4 to 3");
        assertThatThrownBy(() -> s.saveTerm(5, -2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(restart().term()).isEqualTo(4);
    }

    @Test
    void appendTruncateAppendSurvivesRestart() {
        Storage s = opened();
        s.append(entries(1, 5, 1));
        s.append(entries(6, 6, 2));
        s.truncateFrom(4);
        s.append(entries(4, 7, 3));
        PersistentState state = restart();
        List<LogEntry> expected = new ArrayList<>(entries(1, 3, 1));
        expected.addAll(entries(4, 7, 3));
        assertThat(state.entries()).containsExactlyElementsOf(expected);
        assertThat(state.fresh()).isFalse();

        current.truncateFrom(2);
        current.append(entries(2, 2, 4));
        assertThat(restart().entries()).containsExactly(entry(1, 1), entry(2, 4));
    }

    @Test
    void truncateBeyondTheLastEntryChangesNothing() {
        Storage s = opened();
        s.append(entries(1, 3, 1));
        s.truncateFrom(4);
        s.truncateFrom(100);
        assertThat(restart().entries()).containsExactlyElementsOf(entries(1, 3, 1));
    }

    @Test
    void truncateEverythingThenAppendFromOne() {
        Storage s = opened();
        s.append(entries(1, 3, 1));
        s.truncateFrom(1);
        assertThat(restart().entries()).isEmpty();
        current.append(entries(1, 2, 2));
        assertThat(restart().entries()).containsExactlyElementsOf(entries(1, 2, 2));
    }

    @Test
    void appendWithAGapOrAnOverlapIsRefusedAndChangesNothing() {
        Storage s = opened();
        s.append(entries(1, 3, 1));
        assertThatThrownBy(() -> s.append(entries(5, 5, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("index 4").hasMessageContaining("gap");
        assertThatThrownBy(() -> s.append(entries(3, 4, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("overlap");
        assertThatThrownBy(() -> s.append(List.of(entry(4, 1), entry(6, 1))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(restart().entries()).containsExactlyElementsOf(entries(1, 3, 1));
        current.truncateFrom(1);
        assertThatThrownBy(() -> current.append(entries(2, 2, 1)))
                .as("an empty log without a snapshot starts at 1").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void entryOverTheSizeLimitIsRefused() {
        Storage s = opened();
        LogEntry huge = new LogEntry(1, 1, LogEntry.Kind.DATA, new byte[Storage.MAX_ENTRY_BYTES + 1]);
        assertThatThrownBy(() -> s.append(List.of(huge))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThat(restart().fresh()).isTrue();
    }

    @Test
    void emptyAppendIsANoOp() {
        Storage s = opened();
        s.append(List.of());
        assertThat(restart().fresh()).isTrue();
    }

    @Test
    void snapshotDropsCoveredEntriesAndKeepsLaterOnes() {
        Storage s = opened();
        s.append(entries(1, 5, 1));
        s.append(entries(6, 10, 2));
        Snapshot snap = new Snapshot(7, 2, "state@7".getBytes(StandardCharsets.UTF_8));
        s.saveSnapshot(snap);
        PersistentState state = restart();
        assertThat(state.snapshot()).isEqualTo(snap);
        assertThat(state.entries()).containsExactlyElementsOf(entries(8, 10, 2));

        current.append(entries(11, 12, 3));
        current.truncateFrom(3); // at or below the snapshot: only the log after it goes
        assertThat(restart().entries()).isEmpty();
        current.append(entries(8, 8, 4));
        state = restart();
        assertThat(state.snapshot()).isEqualTo(snap);
        assertThat(state.entries()).containsExactly(entry(8, 4));
    }

    @Test
    void snapshotAtTheLastEntryEmptiesTheLog() {
        Storage s = opened();
        s.append(entries(1, 4, 1));
        s.saveSnapshot(new Snapshot(4, 1, new byte[] {4}));
        PersistentState state = restart();
        assertThat(state.entries()).isEmpty();
        current.append(entries(5, 5, 1));
        assertThat(restart().entries()).containsExactly(entry(5, 1));
    }

    @Test
    void snapshotBeyondTheLogDropsTheWholeLog() {
        Storage s = opened();
        s.append(entries(1, 3, 1));
        Snapshot snap = new Snapshot(10, 4, new byte[] {1, 2, 3});
        s.saveSnapshot(snap);
        assertThatThrownBy(() -> s.append(entries(4, 4, 1))).isInstanceOf(IllegalStateException.class);
        PersistentState state = restart();
        assertThat(state.snapshot()).isEqualTo(snap);
        assertThat(state.entries()).isEmpty();
        current.append(entries(11, 12, 4));
        assertThat(restart().entries()).containsExactlyElementsOf(entries(11, 12, 4));
    }

    @Test
    void snapshotWhoseTermDiffersFromTheLogDropsTheWholeLog() {
        Storage s = opened();
        s.append(entries(1, 6, 1));
        // The leader's snapshot says entry 4 has term 2: our entries 1..6 are another history.
        Snapshot snap = new Snapshot(4, 2, new byte[] {9});
        s.saveSnapshot(snap);
        PersistentState state = restart();
        assertThat(state.snapshot()).isEqualTo(snap);
        assertThat(state.entries()).isEmpty();
    }

    @Test
    void laterSnapshotReplacesEarlierOneAndOlderIsRefused() {
        Storage s = opened();
        s.append(entries(1, 10, 1));
        s.saveSnapshot(new Snapshot(3, 1, new byte[] {3}));
        s.saveSnapshot(new Snapshot(3, 1, new byte[] {3, 3})); // same point again keeps the log
        s.saveSnapshot(new Snapshot(6, 1, new byte[] {6}));
        assertThatThrownBy(() -> s.saveSnapshot(new Snapshot(5, 1, new byte[0])))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("from index 6 to 5");
        PersistentState state = restart();
        assertThat(state.snapshot()).isEqualTo(new Snapshot(6, 1, new byte[] {6}));
        assertThat(state.entries()).containsExactlyElementsOf(entries(7, 10, 1));
    }

    @Test
    void restartReturnsExactlyWhatWasStored() {
        Storage s = opened();
        s.saveTerm(9, 3);
        List<LogEntry> stored = new ArrayList<>();
        stored.add(new LogEntry(1, 1, LogEntry.Kind.NOOP, new byte[0]));
        stored.add(new LogEntry(2, 1, LogEntry.Kind.DATA, new byte[] {0, -1, 127, -128}));
        stored.add(new LogEntry(3, 2, LogEntry.Kind.DATA, new byte[0]));
        byte[] big = new byte[70_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        stored.add(new LogEntry(4, 9, LogEntry.Kind.DATA, big));
        s.append(stored.subList(0, 2));
        s.append(stored.subList(2, 4));
        PersistentState state = restart();
        assertThat(state).isEqualTo(new PersistentState(false, 9, 3, Snapshot.EMPTY, stored));
        assertThat(restart()).as("a second restart changes nothing").isEqualTo(state);
    }

    @Test
    void storedContentIsCopiedNotShared() {
        Storage s = opened();
        byte[] data = {1, 2, 3};
        byte[] snapData = {7};
        s.append(List.of(new LogEntry(1, 1, LogEntry.Kind.DATA, data)));
        s.append(List.of(new LogEntry(2, 1, LogEntry.Kind.DATA, new byte[] {5})));
        s.saveSnapshot(new Snapshot(1, 1, snapData));
        data[0] = 99;
        snapData[0] = 99;
        PersistentState state = restart();
        state.entries().get(0).data()[0] = 42;
        state.snapshot().data()[0] = 42;
        PersistentState again = restart();
        assertThat(again.snapshot().data()).containsExactly(7);
        assertThat(again.entries()).containsExactly(new LogEntry(2, 1, LogEntry.Kind.DATA, new byte[] {5}));
    }

    @Test
    void methodsBeforeLoadOrTwiceLoadAreRefused() {
        current = create();
        assertThatThrownBy(() -> current.saveTerm(1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("load()");
        assertThatThrownBy(() -> current.append(entries(1, 1, 1))).isInstanceOf(IllegalStateException.class);
        current.load();
        assertThatThrownBy(current::load).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invalidArgumentsAreRefused() {
        Storage s = opened();
        assertThatThrownBy(() -> s.truncateFrom(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.saveTerm(-1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.saveSnapshot(null)).isInstanceOf(NullPointerException.class);
    }
}
