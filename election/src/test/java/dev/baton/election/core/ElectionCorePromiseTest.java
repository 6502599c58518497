package dev.baton.election.core;

import dev.baton.election.Role;
import dev.baton.election.core.Message.Ping;
import dev.baton.election.core.Message.Prepare;
import dev.baton.election.core.Message.Promise;
import dev.baton.election.core.Message.Refuse;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.baton.election.core.CoreDriver.MS;
import static dev.baton.election.core.CoreDriver.SECOND;
import static dev.baton.election.core.CoreDriver.TIMINGS;
import static dev.baton.election.core.CoreDriver.peerView;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promise rule, message by message on one member: at most one promise per term, persisted before it is
 * sent; exclusive across terms for a promise period on the member's own clock; none within a promise period of
 * a start, none by a leader, none by a lost disk to a candidate that holds entries.
 */
class ElectionCorePromiseTest {
    private static final long PROMISE = TIMINGS.promiseNanos();

    private final CoreDriver d = CoreDriver.member(2, 3);

    {
        d.now = 2 * SECOND; // past the promise period after the start
    }

    private Message prepare(int from, long term, long lastIndex) {
        d.sent.clear();
        d.receive(from, new Prepare(term, from * 11L, d.now, lastIndex));
        assertThat(d.sent).hasSize(1);
        return d.sent.get(0).message();
    }

    @Test
    void aPromiseIsPersistedAndEchoesThePrepareAndReportsTheLog() {
        Message answer = prepare(1, 5, 0);
        assertThat(answer).isEqualTo(new Promise(5, 11, d.now, 0, 0, 0));
        assertThat(d.disk.term()).isEqualTo(5);
        assertThat(d.disk.promisedTo()).isEqualTo(1);
        assertThat(d.core.term()).isEqualTo(5);
    }

    @Test
    void oneCandidatePerTermAndNoneOfALowerTerm() {
        prepare(1, 5, 0);
        assertThat(prepare(1, 5, 0)).as("a re-sent prepare gets the same answer").isInstanceOf(Promise.class);
        d.advance(2 * PROMISE); // the promise period is over: only the term rules apply
        assertThat(prepare(3, 5, 0)).as("another candidate of the same term").isInstanceOf(Refuse.class);
        Message lower = prepare(3, 4, 0);
        assertThat(lower).isInstanceOf(Refuse.class);
        assertThat(((Refuse) lower).currentTerm()).isEqualTo(5);
        assertThat(d.disk.promisedTo()).isEqualTo(1);
    }

    @Test
    void aPromiseExcludesOtherCandidatesForExactlyAPromisePeriod() {
        prepare(1, 5, 0);
        long promisedAt = d.now;
        d.now = promisedAt + PROMISE - 1;
        Message early = prepare(3, 6, 0);
        assertThat(early).isInstanceOf(Refuse.class);
        assertThat(((Refuse) early).retryAfterNanos()).as("when the promise ends").isEqualTo(1);
        assertThat(d.core.term()).isEqualTo(5);
        d.now = promisedAt + PROMISE;
        assertThat(prepare(3, 6, 0)).isInstanceOf(Promise.class);
        assertThat(d.disk.promisedTo()).isEqualTo(3);
    }

    @Test
    void theCandidateItPromisedMayAskAgainInALaterTerm() {
        prepare(1, 5, 0);
        d.advance(10 * MS);
        assertThat(prepare(1, 6, 0)).isInstanceOf(Promise.class);
    }

    @Test
    void aRestartedMemberPromisesNothingForAPromisePeriod() {
        d.restart(); // at 2 s
        d.now += PROMISE - 10 * MS;
        Message early = prepare(1, 5, 0);
        assertThat(early).isInstanceOf(Refuse.class);
        assertThat(((Refuse) early).retryAfterNanos()).isEqualTo(10 * MS);
        d.now += 10 * MS;
        assertThat(prepare(1, 5, 0)).isInstanceOf(Promise.class);
    }

    @Test
    void aCandidateRefusesAHigherIdAndPromisesALowerOne() {
        long term = d.stand(3); // node 1 unheard: node 2 is the lowest alive
        assertThat(d.core.role()).isEqualTo(Role.CANDIDATE);
        assertThat(prepare(3, term + 1, 0)).isInstanceOf(Refuse.class);
        assertThat(d.core.role()).isEqualTo(Role.CANDIDATE);
        assertThat(prepare(1, term + 1, 0)).isInstanceOf(Promise.class);
        assertThat(d.core.role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void aLeaderRefusesAHigherTerm() {
        CoreDriver leader = CoreDriver.member(1, 3);
        long term = leader.elect(MS, 2, 3);
        leader.sent.clear();
        leader.receive(2, new Prepare(term + 1, 22, leader.now, 1));
        assertThat(leader.all(2, Refuse.class)).hasSize(1);
        assertThat(leader.core.isLeading(leader.now)).isTrue();
    }

    @Test
    void aLostDiskPromisesOnlyInANewClustersFirstElection() {
        CoreDriver wiped = new CoreDriver(2, 3, new MemoryStorage());
        wiped.now = 2 * SECOND;
        wiped.receive(3, new Ping(33, wiped.now, peerView(0)));
        wiped.sent.clear();
        wiped.receive(1, new Prepare(5, 11, wiped.now, 0));
        assertThat(wiped.all(1, Refuse.class)).as("node 1 not heard yet: node 3 may hold entries").hasSize(1);
        // node 1's empty log is heard only once node 3 is silent: then a Prepare revives node 3's empty view
        wiped.advance(2 * PROMISE);
        wiped.receive(1, new Ping(11, wiped.now, peerView(0)));
        assertThat(wiped.core.status(wiped.now).recovering()).isTrue();
        wiped.sent.clear();
        wiped.receive(3, new Prepare(6, 33, wiped.now, 4));
        assertThat(wiped.all(3, Refuse.class)).as("the candidate holds entries: not a new cluster").hasSize(1);
        wiped.receive(3, new Prepare(6, 33, wiped.now, 0));
        assertThat(wiped.all(3, Promise.class)).hasSize(1);
        assertThat(wiped.core.status(wiped.now).recovering()).isFalse();
    }

    @Test
    void aForcedNewClusterPromisesNobody() {
        MemoryStorage disk = CoreDriver.usedDisk();
        disk.load();
        disk.append(List.of(new LogEntry(1, 1, LogEntry.Kind.DATA, new byte[] {1})));
        CoreDriver forced = new CoreDriver(2, 3, disk.forcingNewCluster());
        forced.now = 2 * SECOND;
        forced.receive(1, new Prepare(5, 11, forced.now, 1));
        assertThat(forced.all(1, Refuse.class)).hasSize(1);
    }
}
