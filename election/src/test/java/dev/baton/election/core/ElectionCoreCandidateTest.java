package dev.baton.election.core;

import dev.baton.election.NotLeaderException;
import dev.baton.election.Role;
import dev.baton.election.core.Message.Append;
import dev.baton.election.core.Message.AppendAck;
import dev.baton.election.core.Message.FetchLog;
import dev.baton.election.core.Message.Prepare;
import dev.baton.election.core.Message.Promise;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.baton.election.core.CoreDriver.MS;
import static dev.baton.election.core.CoreDriver.TIMINGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The election and recovery rules on the candidate's side, message by message: a majority of promises of its
 * own term and incarnation, the best log among them adopted (highest last term, then longest), fetched from its
 * owner unless it is its own, a silent owner given up after two heartbeats, and nothing accepted from the
 * application before the no-op of its term commits.
 */
class ElectionCoreCandidateTest {

    /** Node 1 of {@code size}, its log holding {@code lastIndex} entries of term {@code logTerm}. */
    private static CoreDriver withLog(int size, long lastIndex, long logTerm) {
        return withLog(1, size, lastIndex, logTerm);
    }

    private static List<LogEntry> entries(long from, long to, long term) {
        List<LogEntry> entries = new ArrayList<>();
        for (long i = from; i <= to; i++) entries.add(new LogEntry(i, term, LogEntry.Kind.DATA, new byte[] {1}));
        return entries;
    }

    private static CoreDriver withLog(int self, int size, long lastIndex, long logTerm) {
        MemoryStorage disk = CoreDriver.usedDisk();
        disk.load();
        disk.saveTerm(logTerm, self);
        disk.append(entries(1, lastIndex, logTerm));
        return new CoreDriver(self, size, disk.reopen());
    }

    @Test
    void aCandidateOfFiveLeadsOnTheSecondPromiseAndNotBefore() {
        CoreDriver d = CoreDriver.member(1, 5);
        d.stand(2, 3, 4, 5);
        d.promise(2, 0, 0);
        assertThat(d.core.role()).isEqualTo(Role.CANDIDATE);
        d.promise(2, 0, 0); // the same promise again counts once
        assertThat(d.core.role()).isEqualTo(Role.CANDIDATE);
        d.promise(3, 0, 0);
        assertThat(d.core.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void onlyPromisesOfItsTermAndIncarnationCount() {
        CoreDriver d = CoreDriver.member(1, 3);
        long term = d.stand(2, 3);
        Prepare p = d.last(2, Prepare.class);
        d.receive(2, new Promise(term, d.incarnation + 1, p.sentNanos(), 0, 0, 0));
        d.receive(3, new Promise(term - 1, d.incarnation, p.sentNanos(), 0, 0, 0));
        assertThat(d.core.role()).isEqualTo(Role.CANDIDATE);
        d.receive(3, new Promise(term, d.incarnation, p.sentNanos(), 0, 0, 0));
        assertThat(d.core.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void aCandidateWhoseLogIsAsGoodAsAnyPromisedLeadsWithoutFetching() {
        CoreDriver d = withLog(5, 3, 1);
        d.stand(2, 3, 4, 5);
        d.promise(2, 3, 1); // the same log
        d.promise(3, 2, 1); // shorter, same term
        assertThat(d.core.role()).isEqualTo(Role.LEADER);
        assertThat(d.all(2, FetchLog.class)).isEmpty();
        assertThat(d.all(3, FetchLog.class)).isEmpty();
    }

    @Test
    void theBestLogIsTheHighestLastTermThenTheLongest() {
        CoreDriver d = withLog(5, 3, 2);
        long term = d.stand(2, 3, 4, 5);
        d.promise(2, 5, 2); // longer, same term
        d.promise(3, 2, 3); // shorter, later term: the best
        assertThat(d.core.role()).as("recovering the best log").isEqualTo(Role.CANDIDATE);
        assertThat(d.last(3, FetchLog.class)).isEqualTo(new FetchLog(term, 1, 2, 3));
        assertThat(d.all(2, FetchLog.class)).isEmpty();

        CoreDriver e = withLog(5, 3, 2);
        long term2 = e.stand(2, 3, 4, 5);
        e.promise(2, 4, 2);
        e.promise(3, 5, 2); // same term, longest: the best
        assertThat(e.last(3, FetchLog.class)).isEqualTo(new FetchLog(term2, 1, 5, 2));
    }

    @Test
    void aSilentOwnerOfTheBestLogIsGivenUpAfterTwoHeartbeats() {
        CoreDriver d = withLog(3, 1, 1);
        d.stand(2, 3);
        long promisedAt = d.now;
        d.promise(2, 4, 1);
        assertThat(d.last(2, FetchLog.class).expectLastIndex()).isEqualTo(4);
        d.now = promisedAt + 2 * TIMINGS.heartbeatNanos() - 1;
        d.tick();
        assertThat(d.core.role()).as("still waiting for the log").isEqualTo(Role.CANDIDATE);
        d.promise(3, 1, 1); // a second promise while it waits
        assertThat(d.core.role()).isEqualTo(Role.CANDIDATE);
        d.now = promisedAt + 2 * TIMINGS.heartbeatNanos();
        d.tick();
        assertThat(d.core.role()).as("the majority without node 2: node 3's log and its own are as good")
                .isEqualTo(Role.LEADER);
        assertThat(d.all(3, FetchLog.class)).isEmpty();
    }

    @Test
    void aLeaderElectAcceptsNothingBeforeItsNoOpCommits() {
        CoreDriver d = CoreDriver.member(1, 3);
        d.stand(2, 3);
        d.promise(2, 0, 0);
        assertThat(d.core.role()).isEqualTo(Role.LEADER);
        assertThat(d.core.isLeading(d.now)).isFalse();
        assertThatThrownBy(() -> d.core.append(new byte[] {1}, d.now)).isInstanceOf(NotLeaderException.class);
        d.ack(2);
        assertThat(d.core.isLeading(d.now)).isTrue();
        assertThat(d.emitted(Event.GainedLeadership.class)).hasSize(1);
        assertThat(d.core.append(new byte[] {1}, d.now)).isEqualTo(2);
        assertThat(d.emitted(Event.Appended.class)).as("reported to the application")
                .anyMatch(a -> a.entry().index() == 2 && a.entry().kind() == LogEntry.Kind.DATA);
    }

    @Test
    void aRecoveringCandidateWhosePromisesRanOutDoesNotLead() {
        for (boolean late : new boolean[] {false, true}) {
            CoreDriver d = withLog(3, 1, 1);
            long term = d.stand(2, 3);
            d.promise(2, 4, 1);
            assertThat(d.last(2, FetchLog.class).expectLastIndex()).isEqualTo(4);
            // no tick meanwhile (a pause): the log arrives just before, or just when, the lease from the promises ends
            d.now = d.core.leaseEnd() - (late ? 0 : 1);
            d.receive(2, new Message.LogSuffix(term, true, null, entries(1, 4, 1)));
            assertThat(d.core.role()).as(late ? "promises ran out" : "in time").isEqualTo(late ? Role.FOLLOWER : Role.LEADER);
        }
    }

    @Test
    void ofEqualLogsNotTheLeaderThatHandedOver() {
        CoreDriver d = withLog(2, 5, 2, 1);
        d.now = 2 * TIMINGS.promiseNanos();
        d.hear(1, 3, 4, 5);
        d.receive(1, new Append(1, 11, d.now, 2, 1, 0, null, List.of()));
        d.receive(1, new Message.HandOver(1));
        assertThat(d.core.role()).as("stands at once").isEqualTo(Role.CANDIDATE);
        d.promise(1, 3, 1);
        d.promise(3, 3, 1);
        assertThat(d.all(1, FetchLog.class)).isEmpty();
        assertThat(d.last(3, FetchLog.class).expectLastIndex()).isEqualTo(3);
    }

    @Test
    void onlyAnswersToThisProcessCountAsContact() {
        CoreDriver d = CoreDriver.member(1, 3);
        d.now = 2 * TIMINGS.promiseNanos();
        d.receive(2, new AppendAck(0, d.incarnation + 1, d.now, false, 0, 0)); // to a previous process
        d.receive(3, new AppendAck(0, d.incarnation + 1, d.now, false, 0, 0));
        assertThat(d.core.status(d.now).majorityContactAgoNanos()).isEqualTo(-1);

        d.stand(2, 3);
        long prepared = d.last(2, Prepare.class).sentNanos();
        d.advance(5 * MS);
        d.promise(2, 0, 0);
        assertThat(d.core.status(d.now).majorityContactAgoNanos()).as("a promise answers the Prepare")
                .isEqualTo(d.now - prepared);
    }

    @Test
    void aReadyLeaderRefusedForALaterTermStandsAgainAtOnce() {
        CoreDriver d = CoreDriver.member(1, 3);
        long term = d.elect(MS, 2, 3);
        Append a = d.last(2, Append.class);
        d.receive(2, new AppendAck(term + 3, a.incarnation(), a.sentNanos(), false, 0, 1));
        assertThat(d.emitted(Event.LostLeadership.class)).hasSize(1);
        assertThat(d.core.role()).isEqualTo(Role.CANDIDATE);
        assertThat(d.last(2, Prepare.class).term()).isEqualTo(term + 4);
    }

    @Test
    void aRefusedAppendIsRetriedFromWhereTheFollowersLogEnds() {
        CoreDriver d = withLog(3, 5, 1);
        long term = d.stand(2, 3);
        d.promise(2, 1, 1);
        assertThat(d.core.role()).isEqualTo(Role.LEADER);
        Append first = d.last(2, Append.class);
        assertThat(first.prevIndex()).isEqualTo(5);
        d.receive(2, new AppendAck(term, d.incarnation, first.sentNanos(), false, 0, 2)); // its log matches at most to 2
        Append retry = d.last(2, Append.class);
        assertThat(retry.prevIndex()).isEqualTo(2);
        assertThat(retry.entries()).extracting(LogEntry::index).containsExactly(3L, 4L, 5L, 6L);
    }
}
