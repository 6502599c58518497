package dev.baton.election.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The shared contract, plus the simulator hooks: crash-restart, lost disk, checker accessors. */
class MemoryStorageTest extends StorageContractTest {

    @Override
    protected Storage create() {
        return new MemoryStorage();
    }

    @Override
    protected Storage reopen(Storage old) {
        return ((MemoryStorage) old).reopen();
    }

    @Test
    void reopenClosesTheCrashedInstance() {
        MemoryStorage before = new MemoryStorage();
        before.load();
        before.saveTerm(2, 1);
        MemoryStorage after = before.reopen();
        assertThatThrownBy(() -> before.saveTerm(3, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(after.load().term()).isEqualTo(2);
    }

    @Test
    void wipedLosesEverything() {
        MemoryStorage s = new MemoryStorage();
        s.load();
        s.saveTerm(4, 2);
        s.append(entries(1, 2, 4));
        MemoryStorage wiped = s.wiped();
        PersistentState state = wiped.load();
        assertThat(state.fresh()).isTrue();
        assertThat(state.term()).isZero();
        assertThat(state.entries()).isEmpty();
        assertThat(s.term()).as("the old disk is untouched, only detached").isEqualTo(4);
    }

    @Test
    void accessorsShowTheDurableContentAtAnyTime() {
        MemoryStorage s = new MemoryStorage();
        s.load();
        s.saveTerm(6, 0);
        s.append(entries(1, 4, 6));
        s.saveSnapshot(new Snapshot(2, 6, new byte[] {2}));
        assertThat(s.term()).isEqualTo(6);
        assertThat(s.promisedTo()).isZero();
        assertThat(s.snapshot()).isEqualTo(new Snapshot(2, 6, new byte[] {2}));
        assertThat(s.entries()).containsExactlyElementsOf(entries(3, 4, 6));
        assertThat(s.lastIndex()).isEqualTo(4);
        assertThat(s.entry(3)).contains(entry(3, 6));
        assertThat(s.entry(2)).as("covered by the snapshot").isEmpty();
        assertThat(s.entry(5)).isEmpty();
        s.entries().get(0).data()[0] = 0;
        s.snapshot().data()[0] = 0;
        s.close();
        assertThat(s.entries()).containsExactlyElementsOf(entries(3, 4, 6));
        assertThat(s.snapshot().data()).containsExactly(2);
    }
}
