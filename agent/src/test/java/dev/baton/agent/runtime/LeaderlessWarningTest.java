package dev.baton.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.election.NodeStatus;
import dev.baton.election.PeerStatus;
import dev.baton.election.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderlessWarningTest {
    private final LeaderlessWarning warning = new LeaderlessWarning(Map.of(
            1, "10.0.0.1:7401", 2, "10.0.0.2:7401", 3, "10.0.0.3:7401"));

    private static NodeStatus status(int leader, long lastIndex, boolean twoReachable, boolean threeReachable) {
        return new NodeStatus(1, leader == 1 ? Role.LEADER : Role.FOLLOWER, leader == 1, 1, leader, lastIndex, lastIndex,
                0, -1, lastIndex, List.of(new PeerStatus(2, false, twoReachable, -1, 0),
                new PeerStatus(3, true, threeReachable, -1, 0)));
    }

    @Test
    void aNewClusterMissingAMemberIsExplainedAfterFiveSecondsThenEveryThirty() {
        NodeStatus waiting = status(0, 0, true, false);
        assertThat(warning.check(waiting, 1_000)).isEmpty();
        assertThat(warning.check(waiting, 5_999)).isEmpty();
        assertThat(warning.check(waiting, 6_000)).hasValue("no leader for 5 s; 2 of 3 members reachable from here"
                + " (this one included), a majority is 2; unreachable: node 3 at 10.0.0.3:7401. This node's log is"
                + " empty: a new cluster holds its first election only once every member is up and reachable.");
        assertThat(warning.check(waiting, 35_999)).isEmpty();
        assertThat(warning.check(waiting, 36_000)).get().asString().startsWith("no leader for 35 s;");
    }

    @Test
    void aClusterWithHistoryIsToldWhoIsMissingWithoutTheNewClusterHint() {
        NodeStatus cutOff = status(0, 12, false, false);
        warning.check(cutOff, 0);
        assertThat(warning.check(cutOff, 5_000)).hasValue("no leader for 5 s; 1 of 3 members reachable from here"
                + " (this one included), a majority is 2; unreachable: node 2 at 10.0.0.2:7401, node 3 at"
                + " 10.0.0.3:7401.");
    }

    /** Issue 7: with two disks of three lost, "waits to catch up from a leader" was a promise nobody keeps. */
    @Test
    void aMajorityOfLostDisksIsCalledWhatItIsAndPointsToRecover() {
        NodeStatus wiped = new NodeStatus(1, Role.FOLLOWER, false, 5, 0, 0, 0, 0, -1, 40,
                List.of(new PeerStatus(2, false, true, -1, 40, false), new PeerStatus(3, false, true, -1, 0, true)),
                true);
        warning.check(wiped, 0);
        assertThat(warning.check(wiped, 5_000)).hasValue("no leader for 5 s; 3 of 3 members reachable from here"
                + " (this one included), a majority is 2; unreachable: none. This node lost its data directory and has"
                + " not caught up: it neither votes nor stands until a leader catches it up, and a leader needs the"
                + " votes of a majority of members that kept their data. Members that lost their data directory:"
                + " node 1 (this one), node 3; only 1 of 3 kept theirs, fewer than a majority: no leader will be"
                + " elected again without an operator. On the surviving member with the longest log, stop the agent"
                + " and run: baton recover --force-new-cluster --config FILE (see OPERATIONS.md for what it loses).");
    }

    @Test
    void aSingleLostDiskWaitsForTheLeaderTheOthersCanStillElect() {
        NodeStatus wiped = new NodeStatus(1, Role.FOLLOWER, false, 5, 0, 0, 0, 0, -1, 40,
                List.of(new PeerStatus(2, false, true, -1, 40, false), new PeerStatus(3, false, false, -1, 0, false)),
                true);
        warning.check(wiped, 0);
        assertThat(warning.check(wiped, 5_000)).get().asString().endsWith("unreachable: node 3 at 10.0.0.3:7401."
                + " This node lost its data directory and has not caught up: it neither votes nor stands until a"
                + " leader catches it up, and a leader needs the votes of a majority of members that kept their data.");
    }

    @Test
    void aLeaderResetsTheClock() {
        NodeStatus waiting = status(0, 0, true, false);
        warning.check(waiting, 0);
        assertThat(warning.check(status(2, 3, true, true), 4_000)).isEmpty();
        assertThat(warning.check(waiting, 6_000)).isEmpty(); // leaderless again only since 6 s
        assertThat(warning.check(waiting, 11_000)).isPresent();
    }
}
