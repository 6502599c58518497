package dev.baton.election.core;

import dev.baton.election.core.Message.AppendAck;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.MemoryStorage;
import dev.baton.election.storage.RecoveryState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.baton.election.core.CoreDriver.MS;
import static dev.baton.election.core.CoreDriver.TIMINGS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commit rule, message by message on one leader: an entry commits once a majority, the leader counted once
 * and only when the entry is on its own disk, holds it, and only an entry of the leader's own term commits by
 * counting (Raft §5.4.2). A forced new cluster commits alone until a real majority holds its no-op.
 */
class ElectionCoreCommitTest {

    private static List<Long> committed(CoreDriver d) {
        return d.emitted(Event.Committed.class).stream().map(c -> c.entry().index()).toList();
    }

    @Test
    void anEntryCommitsOnceAMajorityOfFiveHoldsIt() {
        CoreDriver d = CoreDriver.member(1, 5);
        d.elect(MS, 2, 3, 4, 5);
        long index = d.core.append(new byte[] {1}, d.now);
        d.core.flush(d.now);
        d.ack(5);
        assertThat(d.core.commitIndex()).as("the leader and one follower of five").isEqualTo(index - 1);
        d.ack(4);
        assertThat(d.core.commitIndex()).isEqualTo(index);
        assertThat(committed(d)).containsExactly(1L, index);
    }

    @Test
    void anEntryCommitsWhileALaterOneIsStillInFlight() {
        CoreDriver d = CoreDriver.member(1, 3);
        d.elect(MS, 2, 3);
        long first = d.core.append(new byte[] {1}, d.now);
        d.core.flush(d.now);
        long second = d.core.append(new byte[] {2}, d.now);
        d.core.flush(d.now); // on the leader's disk; node 2 has the first in flight
        d.ack(2);
        assertThat(d.core.commitIndex()).isEqualTo(first);
        assertThat(second).isEqualTo(first + 1);
    }

    @Test
    void aReorderedAcknowledgementDoesNotTakeBackWhatAFollowerHolds() {
        CoreDriver d = CoreDriver.member(1, 5);
        long term = d.elect(MS, 2, 3, 4, 5);
        long noopSent = d.all(2, Message.Append.class).get(0).sentNanos();
        long index = d.core.append(new byte[] {1}, d.now);
        d.core.flush(d.now);
        d.advance(MS);
        d.ack(2);
        d.receive(2, new AppendAck(term, d.incarnation, noopSent, true, index - 1, index - 1)); // the no-op's, late
        d.ack(3);
        assertThat(d.core.commitIndex()).as("nodes 2 and 3 hold it").isEqualTo(index);
    }

    @Test
    void entriesOfAnEarlierTermCommitOnlyWithAnEntryOfTheLeadersTerm() {
        MemoryStorage disk = CoreDriver.usedDisk();
        disk.load();
        disk.saveTerm(1, 1);
        disk.append(List.of(new LogEntry(1, 1, LogEntry.Kind.DATA, new byte[] {1}),
                new LogEntry(2, 1, LogEntry.Kind.DATA, new byte[] {2})));
        CoreDriver d = new CoreDriver(1, 3, disk.reopen());
        long term = d.stand(2, 3);
        d.promise(2, 0, 0);
        assertThat(d.core.role()).as("its own log is the best: it leads at once").isEqualTo(dev.baton.election.Role.LEADER);
        d.advance(MS);
        // node 2 holds the entries of term 1 but not yet the no-op of this term
        d.receive(2, new AppendAck(term, d.incarnation, d.now - MS, true, 2, 2));
        assertThat(d.core.commitIndex()).as("a majority holds 1..2, of an earlier term").isZero();
        d.receive(2, new AppendAck(term, d.incarnation, d.now - MS, true, 3, 3));
        assertThat(committed(d)).containsExactly(1L, 2L, 3L);
    }

    private static CoreDriver forcedLeader() {
        MemoryStorage disk = CoreDriver.usedDisk();
        disk.load();
        disk.saveTerm(1, 1);
        disk.append(List.of(new LogEntry(1, 1, LogEntry.Kind.DATA, new byte[] {1})));
        CoreDriver d = new CoreDriver(1, 3, disk.forcingNewCluster());
        d.now = TIMINGS.promiseNanos();
        d.tick();
        assertThat(d.core.isLeading(d.now)).as("a forced new cluster leads alone").isTrue();
        return d;
    }

    @Test
    void aLeaderAloneIsItsOwnMajorityForItsLease() {
        CoreDriver d = forcedLeader();
        long term = d.core.term();
        d.advance(2 * TIMINGS.promiseNanos()); // no follower answers
        d.tick();
        assertThat(d.core.isLeading(d.now)).isTrue();
        assertThat(d.core.term()).isEqualTo(term);
        assertThat(d.emitted(Event.LostLeadership.class)).as("never stopped").isEmpty();
        assertThat(d.core.leaseEnd()).isEqualTo(d.now + TIMINGS.leaderLeaseNanos());
    }

    @Test
    void aLeaderAloneCommitsAnEntryOnlyOnceItIsOnItsDisk() {
        CoreDriver d = forcedLeader();
        assertThat(committed(d)).containsExactly(1L, 2L);
        long index = d.core.append(new byte[] {9}, d.now);
        // an acknowledgement (of a heartbeat, holding nothing new) arrives before the driver flushes
        d.core.onMessage(2, new AppendAck(d.core.term(), d.incarnation, d.now, true, 0, 0), d.now);
        assertThat(d.core.commitIndex()).as("not yet durable anywhere").isEqualTo(index - 1);
        d.core.flush(d.now);
        assertThat(d.core.commitIndex()).isEqualTo(index);
    }

    @Test
    void aForcedNewClusterEndsOnceARealMajorityHoldsItsNoOp() {
        CoreDriver d = forcedLeader();
        assertThat(d.disk.recovery()).isEqualTo(RecoveryState.FORCED_NEW_CLUSTER);
        long noop = d.core.commitIndex();
        long sentAt = d.last(2, Message.Append.class).sentNanos();
        d.advance(30 * MS);
        d.receive(2, new AppendAck(d.core.term(), d.incarnation, sentAt, true, noop, noop));
        assertThat(d.disk.recovery()).isEqualTo(RecoveryState.NONE);
        assertThat(d.core.leaseEnd()).as("from node 2's acknowledged send, no longer from now")
                .isEqualTo(sentAt + TIMINGS.leaderLeaseNanos());
        long index = d.core.append(new byte[] {9}, d.now);
        d.core.flush(d.now);
        assertThat(d.core.commitIndex()).as("the configured majority applies again").isEqualTo(noop);
        d.ack(2);
        assertThat(d.core.commitIndex()).isEqualTo(index);
    }

    @Test
    void aLeaderAloneCommitsAnEntryItsHeartbeatPersisted() {
        CoreDriver d = CoreDriver.member(1, 1);
        for (int i = 0; i < 1_000 && !d.core.isLeading(d.now); i++) {
            d.advance(TIMINGS.tickNanos());
            d.tick();
            d.core.flush(d.now);
        }
        assertThat(d.core.isLeading(d.now)).isTrue();
        long index = d.core.append(new byte[] {1}, d.now);
        // The driver drains its input, then ticks: a heartbeat falls due before the flush and persists the entry.
        d.advance(TIMINGS.heartbeatNanos());
        d.tick();
        d.core.flush(d.now);
        assertThat(d.core.commitIndex()).as("no other member will ever acknowledge it").isEqualTo(index);
        assertThat(committed(d)).endsWith(index);
    }
}
