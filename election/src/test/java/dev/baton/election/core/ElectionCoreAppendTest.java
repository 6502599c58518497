package dev.baton.election.core;

import dev.baton.election.NotLeaderException;
import dev.baton.election.Role;
import dev.baton.election.core.Message.Append;
import dev.baton.election.core.Message.AppendAck;
import dev.baton.election.core.Message.Prepare;
import dev.baton.election.core.Message.Promise;
import dev.baton.election.core.Message.Refuse;
import dev.baton.election.core.Message.Release;
import dev.baton.election.storage.LogEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.baton.election.core.CoreDriver.MS;
import static dev.baton.election.core.CoreDriver.SECOND;
import static dev.baton.election.core.CoreDriver.TIMINGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replication on the follower's side, message by message: acknowledging a leader is a promise to it for a
 * promise period, persisted first; an Append of an earlier term, or sent before its leader's Release, is not
 * followed; a follower commits no further than the leader's commit index and what it holds; a leader or
 * candidate that hears a leader of a later term stops at once.
 */
class ElectionCoreAppendTest {
    private static final long LEADER_INCARNATION = 11;

    private final CoreDriver d = CoreDriver.member(2, 3);

    {
        d.now = 2 * SECOND;
    }

    private static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, LogEntry.Kind.DATA, new byte[] {(byte) index});
    }

    private AppendAck append(int from, long term, long prevIndex, long prevTerm, long leaderCommit, LogEntry... entries) {
        d.sent.clear();
        d.receive(from, new Append(term, LEADER_INCARNATION, d.now, prevIndex, prevTerm, leaderCommit, null,
                List.of(entries)));
        List<AppendAck> acks = d.all(from, AppendAck.class);
        return acks.isEmpty() ? null : acks.get(0);
    }

    @Test
    void acknowledgingALeaderIsAPromiseToItForAPromisePeriod() {
        AppendAck ack = append(1, 5, 0, 0, 0);
        assertThat(ack).isEqualTo(new AppendAck(5, LEADER_INCARNATION, d.now, true, 0, 0));
        assertThat(d.disk.term()).isEqualTo(5);
        assertThat(d.disk.promisedTo()).as("persisted before the acknowledgement").isEqualTo(1);
        assertThat(d.core.leaderId()).isEqualTo(1);
        long ackedAt = d.now;
        d.now = ackedAt + TIMINGS.promiseNanos() - 1;
        d.sent.clear();
        d.receive(3, new Prepare(6, 33, d.now, 0));
        assertThat(d.last(3, Refuse.class).retryAfterNanos()).isEqualTo(1);
        d.now = ackedAt + TIMINGS.promiseNanos();
        d.receive(3, new Prepare(6, 33, d.now, 0));
        assertThat(d.all(3, Promise.class)).hasSize(1);
        assertThat(d.core.leaderId()).as("a member that promised a candidate follows nobody").isZero();
    }

    @Test
    void theCandidateItPromisedLeadsALaterTermAndItsTermIsPersisted() {
        d.receive(1, new Prepare(5, LEADER_INCARNATION, d.now, 0));
        assertThat(d.disk.promisedTo()).isEqualTo(1);
        AppendAck ack = append(1, 6, 0, 0, 0);
        assertThat(ack.term()).isEqualTo(6);
        assertThat(d.disk.term()).isEqualTo(6);
    }

    @Test
    void anAppendOfAnEarlierTermIsRefusedWithTheCurrentTerm() {
        append(1, 5, 0, 0, 0);
        AppendAck ack = append(3, 4, 0, 0, 0);
        assertThat(ack.success()).isFalse();
        assertThat(ack.term()).isEqualTo(5);
        assertThat(d.core.leaderId()).isEqualTo(1);
    }

    @Test
    void anAppendSentBeforeItsLeadersReleaseIsNotFollowed() {
        append(1, 5, 0, 0, 0);
        d.receive(1, new Release(5));
        assertThat(d.core.leaderId()).isZero();
        assertThat(append(1, 5, 0, 0, 0)).as("in flight when it released us").isNull();
        assertThat(d.core.leaderId()).isZero();
        assertThat(append(1, 6, 0, 0, 0)).as("a later term of the same node").isNotNull();
    }

    @Test
    void aMismatchedAppendIsRefusedWithWhereTheFollowersLogEnds() {
        append(1, 5, 0, 0, 0, entry(1, 5), entry(2, 5));
        AppendAck gap = append(1, 5, 6, 5, 0, entry(7, 5));
        assertThat(gap.success()).isFalse();
        assertThat(gap.lastIndex()).isEqualTo(2);
        AppendAck conflict = append(1, 5, 2, 4, 0, entry(3, 5));
        assertThat(conflict.success()).isFalse();
        assertThat(conflict.lastIndex()).as("before the entry whose term differs").isEqualTo(1);
    }

    @Test
    void aFollowerCommitsNoFurtherThanWhatItHoldsAndTheLeaderCommitted() {
        AppendAck ack = append(1, 5, 0, 0, 4, entry(1, 5), entry(2, 5));
        assertThat(ack.matchIndex()).isEqualTo(2);
        assertThat(d.core.commitIndex()).isEqualTo(2);
        append(1, 5, 2, 5, 2, entry(3, 5));
        assertThat(d.core.commitIndex()).isEqualTo(2);
        assertThat(d.emitted(Event.Committed.class)).hasSize(2);
        assertThat(d.emitted(Event.Appended.class)).as("every entry it took, reported").hasSize(3);
    }

    @Test
    void aLeaderThatHearsALeaderOfALaterTermStopsAtOnce() {
        CoreDriver leader = CoreDriver.member(1, 3);
        long term = leader.elect(MS, 2, 3);
        leader.receive(3, new Append(term + 1, 33, leader.now, 0, 0, 0, null, List.of()));
        assertThat(leader.core.isLeading(leader.now)).isFalse();
        assertThat(leader.core.role()).isEqualTo(Role.FOLLOWER);
        assertThat(leader.core.leaderId()).isEqualTo(3);
        assertThat(leader.emitted(Event.LostLeadership.class)).hasSize(1);
        assertThatThrownBy(() -> leader.core.append(new byte[] {1}, leader.now))
                .isInstanceOfSatisfying(NotLeaderException.class, e -> assertThat(e.leaderHint()).isEqualTo(3));
    }

    @Test
    void aCandidateThatHearsALeaderOfItsTermOrLaterFollowsIt() {
        long term = d.stand(3);
        assertThat(d.core.role()).isEqualTo(Role.CANDIDATE);
        d.receive(1, new Append(term + 1, LEADER_INCARNATION, d.now, 0, 0, 0, null, List.of()));
        assertThat(d.core.role()).isEqualTo(Role.FOLLOWER);
        assertThat(d.core.leaderId()).isEqualTo(1);
        assertThatThrownBy(() -> d.core.append(new byte[] {1}, d.now))
                .isInstanceOfSatisfying(NotLeaderException.class, e -> assertThat(e.leaderHint()).isEqualTo(1));
    }

    @Test
    void aCandidateThatHearsTheLeaderOfItsOwnTermRecordsItsPromiseToIt() {
        long term = d.stand(3); // node 1 stood for the same term, and won it
        assertThat(d.disk.promisedTo()).isEqualTo(2);
        append(1, term, 0, 0, 0);
        assertThat(d.core.role()).isEqualTo(Role.FOLLOWER);
        assertThat(d.disk.term()).isEqualTo(term);
        assertThat(d.disk.promisedTo()).as("persisted: it acknowledges node 1 as the leader of the term").isEqualTo(1);
    }
}
