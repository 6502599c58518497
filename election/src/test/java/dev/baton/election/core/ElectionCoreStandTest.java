package dev.baton.election.core;

import dev.baton.election.Role;
import dev.baton.election.core.Message.Append;
import dev.baton.election.core.Message.Ping;
import dev.baton.election.core.Message.Pong;
import dev.baton.election.core.Message.Prepare;
import dev.baton.election.core.Message.View;
import dev.baton.election.storage.LogEntry;
import dev.baton.election.storage.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.baton.election.core.CoreDriver.MS;
import static dev.baton.election.core.CoreDriver.TIMINGS;
import static dev.baton.election.core.CoreDriver.peerView;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a member stands (the bully rule over a majority, libab), tick by tick: not within a promise period of its
 * start, of its leader's last message or of a promise it gave; only when it hears a majority; not while a
 * reachable peer still follows a leader; not while a lower electable id is alive, for three promise periods; never
 * after it resigned, nor with a lost disk while a peer holds entries. Each boundary is checked on both sides.
 */
class ElectionCoreStandTest {
    private static final long PROMISE = TIMINGS.promiseNanos();

    private static boolean standsAt(CoreDriver d, long at) {
        d.now = at;
        int before = d.sent.size();
        d.tick();
        return d.sent.subList(before, d.sent.size()).stream().anyMatch(s -> s.message() instanceof Prepare);
    }

    @Test
    void notWithinAPromisePeriodOfItsStart() {
        CoreDriver d = CoreDriver.member(1, 3);
        d.now = 5 * PROMISE;
        d.restart(); // started at 5 s
        heldBackUntil(d, d.now + PROMISE);
    }

    /** Node 1 of {@code d}, hearing nodes 2 and 3 just before {@code until}, stands at {@code until} and not before. */
    private static void heldBackUntil(CoreDriver d, long until) {
        d.now = until - 50 * MS;
        d.hear(2, 3);
        assertThat(standsAt(d, until - 1)).isFalse();
        assertThat(standsAt(d, until)).isTrue();
    }

    @Test
    void onlyWhenItHearsAMajority() {
        CoreDriver d = CoreDriver.member(1, 3);
        d.now = PROMISE;
        d.tick();
        d.receive(2, new Ping(72, d.now, peerView(0))); // pings from others are no answer to ours
        d.receive(3, new Ping(73, d.now, peerView(0)));
        assertThat(standsAt(d, PROMISE + MS)).isFalse();
        Ping ping = d.last(2, Ping.class);
        d.receive(2, new Pong(ping.incarnation(), ping.sentNanos(), peerView(0)));
        assertThat(standsAt(d, PROMISE + 2 * MS)).isTrue();
    }

    /** Node 1, otherwise free to stand, receives {@code m} from {@code from}: held back exactly a promise period. */
    private static void heldBackForAPromisePeriodBy(int from, Message m) {
        CoreDriver d = CoreDriver.member(1, 3);
        d.now = 2 * PROMISE;
        d.receive(from, m);
        heldBackUntil(d, d.now + PROMISE);
    }

    @Test
    void notWithinAPromisePeriodOfItsLeadersLastMessage() {
        heldBackForAPromisePeriodBy(2, new Append(1, 72, 2 * PROMISE, 0, 0, 0, null, List.of()));
    }

    @Test
    void notWithinAPromisePeriodOfAPromiseItGave() {
        heldBackForAPromisePeriodBy(3, new Prepare(1, 73, 2 * PROMISE, 0));
    }

    @Test
    void notWithinAPromisePeriodOfHandingLeadershipOver() {
        CoreDriver d = CoreDriver.member(2, 3);
        d.elect(MS, 3); // node 1 unheard
        for (int i = 0; i < 50 && d.core.role() == Role.LEADER; i++) { // node 1 returns, caught up, for the hold-down
            d.advance(TIMINGS.heartbeatNanos());
            d.hear(1, 3);
            d.ack(1);
            d.ack(3);
        }
        assertThat(d.all(1, Message.HandOver.class)).hasSize(1);
        long handedOver = d.now;
        int sentBefore = d.sent.size();
        View cutOff = new View(d.core.term(), 0, Long.MAX_VALUE, 0, 0, false, false); // node 1 cannot take it now
        d.hear(cutOff, 1, 3);
        d.now = handedOver + PROMISE - 50 * MS;
        d.hear(cutOff, 1, 3);
        d.now = handedOver + PROMISE - 1;
        d.tick();
        assertThat(d.sent.subList(sentBefore, d.sent.size())).noneMatch(s -> s.message() instanceof Prepare);
        assertThat(standsAt(d, handedOver + PROMISE)).isTrue();
    }

    @Test
    void aLowerElectableIdIsWaitedForThreePromisePeriodsWithoutALeader() {
        CoreDriver d = CoreDriver.member(2, 3); // leaderless since its start at 0
        d.now = 3 * PROMISE - 50 * MS;
        d.hear(1, 3);
        assertThat(standsAt(d, 3 * PROMISE)).as("node 1 is alive and could lead").isFalse();
        assertThat(standsAt(d, 3 * PROMISE + 1)).isTrue();
    }

    @Test
    void notWhileAReachablePeerStillFollowsALeader() {
        CoreDriver d = CoreDriver.member(1, 3);
        long ago = 2 * TIMINGS.heartbeatNanos();
        d.now = 2 * PROMISE;
        d.hear(new View(1, 2, ago - 1, 0, 0, true, false), 3);
        assertThat(standsAt(d, d.now)).as("node 3 heard its leader %d ns ago", ago - 1).isFalse();
        d.hear(new View(1, 2, ago, 0, 0, true, false), 3);
        assertThat(standsAt(d, d.now)).isTrue();

        CoreDriver e = CoreDriver.member(1, 3);
        e.now = 2 * PROMISE;
        e.hear(new View(1, 1, 0, 0, 0, true, false), 3);
        assertThat(standsAt(e, e.now)).as("node 3 follows this node itself").isTrue();
    }

    @Test
    void neverAfterItResigned() {
        CoreDriver d = CoreDriver.member(1, 3);
        d.core.resign(0);
        d.now = 2 * PROMISE;
        d.hear(2, 3);
        assertThat(standsAt(d, d.now + MS)).isFalse();
    }

    @Test
    void notWithALostDiskWhileAPeerHoldsEntries() {
        CoreDriver d = new CoreDriver(1, 3, new MemoryStorage());
        d.now = 2 * PROMISE;
        d.hear(peerView(3), 2, 3);
        assertThat(standsAt(d, d.now + MS)).isFalse();
        assertThat(d.core.status(d.now).recovering()).isTrue();
    }

    @Test
    void aForcedNewClusterStandsAloneAPromisePeriodAfterItsLastLeader() {
        MemoryStorage disk = CoreDriver.usedDisk();
        disk.load();
        disk.saveTerm(1, 1);
        disk.append(List.of(new LogEntry(1, 1, LogEntry.Kind.DATA, new byte[] {1})));
        CoreDriver d = new CoreDriver(1, 3, disk.forcingNewCluster());
        d.now = PROMISE;
        d.receive(2, new Append(2, 72, d.now, 1, 1, 0, null, List.of()));
        long heard = d.now;
        assertThat(standsAt(d, heard + PROMISE - 1)).isFalse();
        assertThat(standsAt(d, heard + PROMISE)).isTrue();
    }
}
