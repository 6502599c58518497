package dev.baton.election.core;

import dev.baton.election.ElectionConfig;
import dev.baton.election.Member;
import dev.baton.election.Timings;
import dev.baton.election.core.Message.Append;
import dev.baton.election.core.Message.Ping;
import dev.baton.election.core.Message.Prepare;
import dev.baton.election.core.Message.View;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.MemoryStorage;
import dev.baton.election.storage.RecoveryState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recovery rule, message by message on one core (node 2 of 3, which lost its disk): the amnesia is stored at
 * once, outlives restarts, and ends only against a commit index a majority confirmed that this node holds.
 */
class ElectionCoreRecoveryTest {
    private static final long SECOND = 1_000_000_000L;
    private static final ElectionConfig CONFIG = new ElectionConfig("test", 2, List.of(
            new Member(1, "n1", 7401, false), new Member(2, "n2", 7402, false), new Member(3, "n3", 7403, false)),
            Timings.DEFAULTS);

    private final List<Message> sent = new ArrayList<>();
    private final Outbox out = new Outbox() {
        @Override
        public void send(int to, Message message) {
            sent.add(message);
        }

        @Override
        public void emit(Event event) {
        }
    };
    private MemoryStorage disk = new MemoryStorage();
    private ElectionCore core = new ElectionCore(CONFIG, disk, new Random(1), out, 0);
    private long now = 2 * SECOND; // past the promise period after start: only the recovery rule refuses

    private static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, index == 4 && term == 5 ? LogEntry.Kind.NOOP : LogEntry.Kind.DATA,
                new byte[] {(byte) index});
    }

    private void append(long prevIndex, long prevTerm, long leaderCommit, LogEntry... entries) {
        core.onMessage(1, new Append(5, 11, now, prevIndex, prevTerm, leaderCommit, null, List.of(entries)), now);
        core.flush(now);
        now += 10_000_000;
    }

    private void restart() {
        disk = disk.reopen();
        core = new ElectionCore(CONFIG, disk, new Random(2), out, now);
        now += 2 * SECOND;
    }

    private boolean recovering() {
        return core.status(now).recovering();
    }

    @Test
    void amnesiaIsStoredAtOnceAndOutlivesARestartAfterTheFirstAppend() {
        assertThat(disk.recovery()).isEqualTo(RecoveryState.AMNESIAC);
        append(0, 0, 0); // a heartbeat: writes the term, so the directory is no longer empty
        restart();
        assertThat(recovering()).isTrue();
        sent.clear();
        core.onMessage(3, new Prepare(6, 33, now, 5), now);
        assertThat(sent).singleElement().isInstanceOf(Message.Refuse.class);
    }

    @Test
    void aLeaderElectsStaleCommitIndexDoesNotEndTheAmnesia() {
        append(0, 0, 3, entry(1, 4), entry(2, 4), entry(3, 4)); // commit 3 is of term 4, the Append of term 5
        assertThat(core.commitIndex()).isEqualTo(3);
        assertThat(recovering()).isTrue();
        append(3, 4, 4, entry(4, 5)); // the leader's no-op committed: its commit index is confirmed
        assertThat(recovering()).isFalse();
        assertThat(disk.recovery()).isEqualTo(RecoveryState.NONE);
    }

    @Test
    void anAppendCarryingPartOfTheLogDoesNotEndTheAmnesia() {
        append(0, 0, 4, entry(1, 5), entry(2, 5)); // the leader committed up to 4; this carries 1..2 only
        assertThat(core.commitIndex()).isEqualTo(2);
        assertThat(recovering()).isTrue();
        assertThat(disk.recovery()).isEqualTo(RecoveryState.AMNESIAC);
        append(2, 5, 4, entry(3, 5), entry(4, 5));
        assertThat(recovering()).isFalse();
        restart();
        assertThat(recovering()).as("cleared durably").isFalse();
    }

    private void pingFrom(int peer, long lastIndex) {
        core.onMessage(peer, new Ping(peer * 11L, now, new View(0, 0, Long.MAX_VALUE, 0, lastIndex, true, true)), now);
        now += 10_000_000;
    }

    /**
     * A new cluster's first election clears the amnesia of the nodes that stand or promise in it; a member that
     * did neither (the leader had its majority without it) and was stopped before its first confirmed Append
     * stayed amnesiac for good, so with one more wiped disk no election could ever succeed again (the process
     * test's wiped node restarted twice). The state that lets it stand or promise, every member heard with an
     * empty log, clears it as soon as it is seen.
     */
    @Test
    void everyMemberSeenWithAnEmptyLogEndsTheAmnesiaOfAFirstStart() {
        pingFrom(1, 0);
        assertThat(recovering()).as("node 3 not heard yet").isTrue();
        pingFrom(3, 0);
        assertThat(recovering()).isFalse();
        assertThat(disk.recovery()).isEqualTo(RecoveryState.NONE);
        append(0, 0, 0); // the new leader's first heartbeat, then a restart before any confirmed commit
        restart();
        assertThat(recovering()).as("cleared durably").isFalse();
    }

    @Test
    void aPeerWithEntriesKeepsTheAmnesia() {
        pingFrom(1, 7);
        pingFrom(3, 0);
        assertThat(recovering()).isTrue();
        assertThat(disk.recovery()).isEqualTo(RecoveryState.AMNESIAC);
    }
}
