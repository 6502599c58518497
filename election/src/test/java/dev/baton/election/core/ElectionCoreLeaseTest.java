package dev.baton.election.core;

import dev.baton.election.NotLeaderException;
import dev.baton.election.Role;
import dev.baton.election.core.Message.Append;
import dev.baton.election.core.Message.AppendAck;
import org.junit.jupiter.api.Test;

import static dev.baton.election.core.CoreDriver.MS;
import static dev.baton.election.core.CoreDriver.TIMINGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lease rule, message by message on one leader: the lease runs for {@link dev.baton.election.Timings#leaderLeaseNanos()}
 * from the send time of the latest message a majority answered, only ever moves forward, and the leader stops
 * acting at the instant it ends.
 */
class ElectionCoreLeaseTest {
    private static final long LEASE = TIMINGS.leaderLeaseNanos();

    @Test
    void theLeaseRunsFromTheSendTimeOfTheAppendAMajorityAcknowledgedAndEndsExclusively() {
        CoreDriver d = CoreDriver.member(1, 3);
        d.elect(30 * MS, 2, 3);
        long sentAt = d.all(2, Append.class).get(0).sentNanos(); // the no-op, sent as it became leader
        assertThat(d.core.leaseEnd()).as("from the no-op's send, not its acknowledgement").isEqualTo(sentAt + LEASE);
        assertThat(d.core.leaderId()).isEqualTo(1);
        assertThat(d.emitted(Event.LeaderChanged.class)).last().isEqualTo(new Event.LeaderChanged(1, d.core.term()));
        assertThat(d.core.status(d.now).majorityContactAgoNanos()).as("the acknowledgements answer the no-op")
                .isEqualTo(d.now - sentAt);
        long end = d.core.leaseEnd();
        assertThat(d.core.isLeading(end - 1)).isTrue();
        assertThat(d.core.isLeading(end)).as("the lease has ended at its end").isFalse();
        d.core.append(new byte[] {1}, end - 1);
        assertThatThrownBy(() -> d.core.append(new byte[] {2}, end)).isInstanceOf(NotLeaderException.class);
        assertThat(d.core.role()).isEqualTo(Role.FOLLOWER);
        assertThat(d.emitted(Event.LostLeadership.class)).hasSize(1);
    }

    @Test
    void aLateAcknowledgementOfAnOlderHeartbeatNeverMovesTheLeaseBack() {
        CoreDriver d = CoreDriver.member(1, 3);
        d.elect(MS, 2, 3);
        Append old = d.last(2, Append.class);
        d.advance(TIMINGS.heartbeatNanos());
        d.tick(); // the next heartbeat
        Append fresh = d.last(2, Append.class);
        assertThat(fresh.sentNanos()).isGreaterThan(old.sentNanos());
        d.advance(MS);
        d.receive(2, new AppendAck(fresh.term(), fresh.incarnation(), fresh.sentNanos(), true, 1, 1));
        assertThat(d.core.leaseEnd()).isEqualTo(fresh.sentNanos() + LEASE);
        // a duplicate of the older acknowledgement, from both peers, arrives late
        d.receive(2, new AppendAck(old.term(), old.incarnation(), old.sentNanos(), true, 1, 1));
        d.receive(3, new AppendAck(old.term(), old.incarnation(), old.sentNanos(), true, 1, 1));
        assertThat(d.core.leaseEnd()).isEqualTo(fresh.sentNanos() + LEASE);
    }

    @Test
    void withFiveMembersTheLeaseNeedsTwoFollowersToAnswer() {
        CoreDriver d = CoreDriver.member(1, 5);
        d.elect(MS, 2, 3, 4, 5);
        long first = d.core.leaseEnd();
        d.advance(TIMINGS.heartbeatNanos());
        d.tick();
        long hb = d.last(2, Append.class).sentNanos();
        d.advance(MS);
        d.ack(5);
        assertThat(d.core.leaseEnd()).as("one follower is no majority of five").isEqualTo(first);
        d.ack(4);
        assertThat(d.core.leaseEnd()).isEqualTo(hb + LEASE);
    }

    @Test
    void anAcknowledgementOfAnotherIncarnationOrTermDoesNotRenewTheLease() {
        CoreDriver d = CoreDriver.member(1, 3);
        long term = d.elect(MS, 2, 3);
        long first = d.core.leaseEnd();
        d.advance(TIMINGS.heartbeatNanos());
        d.tick();
        Append hb = d.last(2, Append.class);
        d.advance(MS);
        d.receive(2, new AppendAck(term, d.incarnation + 1, hb.sentNanos(), true, 1, 1));
        d.receive(3, new AppendAck(term, d.incarnation + 1, hb.sentNanos(), true, 1, 1));
        assertThat(d.core.leaseEnd()).as("another incarnation's acknowledgement").isEqualTo(first);
        d.receive(2, new AppendAck(term - 1, d.incarnation, hb.sentNanos(), true, 1, 1));
        d.receive(3, new AppendAck(term - 1, d.incarnation, hb.sentNanos(), true, 1, 1));
        assertThat(d.core.leaseEnd()).as("an earlier term's acknowledgement").isEqualTo(first);
    }

    @Test
    void aDelayedDuplicateAcknowledgementDoesNotTakeBackWhatAFollowerAnswered() {
        CoreDriver d = CoreDriver.member(1, 5);
        long term = d.elect(MS, 2, 3, 4, 5);
        long first = d.core.leaseEnd();
        Append noop = d.all(2, Append.class).get(0);
        d.advance(TIMINGS.heartbeatNanos());
        d.tick();
        long hb = d.last(2, Append.class).sentNanos();
        d.advance(MS);
        d.ack(2);
        d.receive(2, new AppendAck(term, d.incarnation, noop.sentNanos(), true, 1, 1)); // a duplicate, late
        assertThat(d.core.leaseEnd()).isEqualTo(first);
        d.ack(3);
        assertThat(d.core.leaseEnd()).as("nodes 2 and 3 answered the heartbeat").isEqualTo(hb + LEASE);
    }
}
