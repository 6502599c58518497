package dev.baton.agent.verdict;

import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;

import static dev.baton.agent.check.InstanceHealth.DOWN;
import static dev.baton.agent.check.InstanceHealth.UNKNOWN;
import static dev.baton.agent.check.InstanceHealth.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.config.Failback;
import dev.baton.agent.config.InstanceAddress;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.SelectionPolicy;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.config.Vantage;
import dev.baton.agent.config.WhenNoneHealthy;
import dev.baton.agent.check.CheckSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class QuorumVerdictTest {
    private static final InstanceKey A = new InstanceKey("db", "a");
    private static final long NOW = 100_000;
    private static final long STALE_AFTER = 3_000;
    private static final int LEADER = 1;

    /** Views of instance {@link #A}, one per node id 1, 2, 3, ...; {@code null} means the node reported nothing. */
    private static List<NodeView> views(InstanceHealth... byNode) {
        List<NodeView> out = new ArrayList<>();
        for (int i = 0; i < byNode.length; i++) {
            out.add(new NodeView(i + 1, NOW, byNode[i] == null ? Map.of() : Map.of(A, byNode[i])));
        }
        return out;
    }

    private static NodeView stale(int nodeId, InstanceHealth health) {
        return new NodeView(nodeId, NOW - STALE_AFTER - 1, Map.of(A, health));
    }

    private static Verdict verdict(int clusterSize, Vantage vantage, List<NodeView> views) {
        return new QuorumVerdict(clusterSize, STALE_AFTER).verdict(A, vantage, LEADER, views, NOW);
    }

    @Nested
    class Quorum {
        @Test
        void downNeedsAMajorityOfTheCluster() {
            assertThat(verdict(3, Vantage.QUORUM, views(DOWN, DOWN, UP))).isEqualTo(new Verdict(DOWN, 1, 2, 3));
            assertThat(verdict(3, Vantage.QUORUM, views(DOWN, UP, UNKNOWN)).health()).isEqualTo(UNKNOWN);
            assertThat(verdict(3, Vantage.QUORUM, views(DOWN, DOWN, DOWN)).health()).isEqualTo(DOWN);
        }

        @Test
        void upNeedsAMajorityOfTheCluster() {
            assertThat(verdict(3, Vantage.QUORUM, views(UP, UP, DOWN))).isEqualTo(new Verdict(UP, 2, 1, 3));
            assertThat(verdict(3, Vantage.QUORUM, views(UP, UNKNOWN, null)).health()).isEqualTo(UNKNOWN);
        }

        @Test
        void aMajorityOfTheFreshViewsIsNotEnough() {
            // Five members, two silent: two of the three fresh views say down, but two is not a majority of five.
            List<NodeView> views = views(DOWN, DOWN, UP);
            assertThat(verdict(5, Vantage.QUORUM, views)).isEqualTo(new Verdict(UNKNOWN, 1, 2, 3));
        }

        @Test
        void anIsolatedLeaderCannotFailAnInstanceAlone() {
            // The leader sees it down; the others' reports saying down are stale, so they do not count.
            List<NodeView> views = List.of(new NodeView(1, NOW, Map.of(A, DOWN)), stale(2, DOWN), stale(3, DOWN));
            assertThat(verdict(3, Vantage.QUORUM, views)).isEqualTo(new Verdict(UNKNOWN, 0, 1, 1));
        }

        @Test
        void anEvenClusterSplitInHalfIsUnknown() {
            assertThat(verdict(4, Vantage.QUORUM, views(DOWN, DOWN, UP, UP)).health()).isEqualTo(UNKNOWN);
            assertThat(verdict(4, Vantage.QUORUM, views(DOWN, DOWN, DOWN, UP)).health()).isEqualTo(DOWN);
        }

        @Test
        void aClusterOfOneDecidesAlone() {
            assertThat(verdict(1, Vantage.QUORUM, views(DOWN)).health()).isEqualTo(DOWN);
            assertThat(verdict(1, Vantage.QUORUM, views(UP)).health()).isEqualTo(UP);
        }
    }

    @Nested
    class Leader {
        @Test
        void theLeadersOwnViewDecides() {
            assertThat(verdict(3, Vantage.LEADER, views(DOWN, UP, UP))).isEqualTo(new Verdict(DOWN, 2, 1, 3));
            assertThat(verdict(3, Vantage.LEADER, views(UP, DOWN, DOWN)).health()).isEqualTo(UP);
            assertThat(verdict(3, Vantage.LEADER, views(UNKNOWN, DOWN, DOWN)).health()).isEqualTo(UNKNOWN);
        }

        @Test
        void withoutTheLeadersViewItIsUnknown() {
            List<NodeView> others = List.of(new NodeView(2, NOW, Map.of(A, DOWN)), new NodeView(3, NOW, Map.of(A, DOWN)));
            assertThat(verdict(3, Vantage.LEADER, others).health()).isEqualTo(UNKNOWN);
            assertThat(verdict(3, Vantage.LEADER, views(null, DOWN, DOWN)).health()).isEqualTo(UNKNOWN);
        }

        @Test
        void theLeadersOwnViewIsAlwaysFresh() {
            NodeView oldOwnView = new NodeView(LEADER, NOW - 10 * STALE_AFTER, Map.of(A, DOWN));
            assertThat(verdict(3, Vantage.LEADER, List.of(oldOwnView))).isEqualTo(new Verdict(DOWN, 0, 1, 1));
        }
    }

    @Nested
    class Any {
        @Test
        void oneFreshDownIsEnough() {
            assertThat(verdict(3, Vantage.ANY, views(UP, UP, DOWN))).isEqualTo(new Verdict(DOWN, 2, 1, 3));
        }

        @Test
        void upNeedsEveryFreshViewUp() {
            assertThat(verdict(3, Vantage.ANY, views(UP, UP, UP)).health()).isEqualTo(UP);
            assertThat(verdict(3, Vantage.ANY, views(UP, UP, UNKNOWN)).health()).isEqualTo(UNKNOWN);
            assertThat(verdict(3, Vantage.ANY, views(UP, UP, null)).health()).isEqualTo(UNKNOWN);
        }

        @Test
        void staleViewsDoNotCount() {
            List<NodeView> views = List.of(new NodeView(1, NOW, Map.of(A, UP)), new NodeView(2, NOW, Map.of(A, UP)),
                    stale(3, DOWN));
            assertThat(verdict(3, Vantage.ANY, views)).isEqualTo(new Verdict(UP, 2, 0, 2));
        }

        @Test
        void noFreshViewIsUnknown() {
            assertThat(verdict(3, Vantage.ANY, List.of(stale(2, UP), stale(3, UP))))
                    .isEqualTo(new Verdict(UNKNOWN, 0, 0, 0));
        }
    }

    @Nested
    class All {
        @Test
        void downNeedsEveryMemberFreshlyDown() {
            assertThat(verdict(3, Vantage.ALL, views(DOWN, DOWN, DOWN))).isEqualTo(new Verdict(DOWN, 0, 3, 3));
            assertThat(verdict(3, Vantage.ALL, views(DOWN, DOWN, UNKNOWN)).health()).isEqualTo(UNKNOWN);
        }

        @Test
        void aSilentOrStaleMemberBlocksDown() {
            assertThat(verdict(3, Vantage.ALL, views(DOWN, DOWN)).health()).isEqualTo(UNKNOWN);
            List<NodeView> views = List.of(new NodeView(1, NOW, Map.of(A, DOWN)), new NodeView(2, NOW, Map.of(A, DOWN)),
                    stale(3, DOWN));
            assertThat(verdict(3, Vantage.ALL, views)).isEqualTo(new Verdict(UNKNOWN, 0, 2, 2));
        }

        @Test
        void oneFreshUpMakesItUp() {
            assertThat(verdict(3, Vantage.ALL, views(DOWN, DOWN, UP))).isEqualTo(new Verdict(UP, 1, 2, 3));
            assertThat(verdict(3, Vantage.ALL, views(UNKNOWN, null, UP)).health()).isEqualTo(UP);
        }

        @Test
        void aStaleUpDoesNotCount() {
            List<NodeView> views = List.of(new NodeView(1, NOW, Map.of(A, DOWN)), stale(2, UP));
            assertThat(verdict(3, Vantage.ALL, views).health()).isEqualTo(UNKNOWN);
        }
    }

    @Test
    void aViewExactlyAtTheBoundIsStillFresh() {
        List<NodeView> views = List.of(new NodeView(2, NOW - STALE_AFTER, Map.of(A, DOWN)),
                new NodeView(3, NOW - STALE_AFTER, Map.of(A, DOWN)));
        assertThat(verdict(3, Vantage.QUORUM, views)).isEqualTo(new Verdict(DOWN, 0, 2, 2));
    }

    @Test
    void rejectsViewsInconsistentWithTheCluster() {
        QuorumVerdict quorum = new QuorumVerdict(3, STALE_AFTER);
        List<NodeView> twice = List.of(new NodeView(2, NOW, Map.of()), new NodeView(2, NOW, Map.of()));
        assertThatThrownBy(() -> quorum.verdict(A, Vantage.QUORUM, LEADER, twice, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two views from node 2");
        assertThatThrownBy(() -> quorum.verdict(A, Vantage.QUORUM, LEADER, views(UP, UP, UP, UP), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 nodes").hasMessageContaining("3");
        assertThatThrownBy(() -> new QuorumVerdict(0, 1)).hasMessageContaining("cluster size");
        assertThatThrownBy(() -> new QuorumVerdict(3, -1)).hasMessageContaining("staleness");
    }

    @Test
    void majorityIsOfTheClusterSize() {
        assertThat(new QuorumVerdict(1, 0).majority()).isEqualTo(1);
        assertThat(new QuorumVerdict(3, 0).majority()).isEqualTo(2);
        assertThat(new QuorumVerdict(4, 0).majority()).isEqualTo(3);
        assertThat(new QuorumVerdict(5, 0).majority()).isEqualTo(3);
    }

    @Test
    void verdictsCoverEveryInstanceOfTheServiceUnderItsVantage() {
        ServiceConfig db = service(Vantage.ANY, "a", "b", "c");
        InstanceKey b = new InstanceKey("db", "b");
        InstanceKey other = new InstanceKey("queue", "a");
        List<NodeView> views = List.of(
                new NodeView(1, NOW, Map.of(A, UP, b, DOWN, other, DOWN)),
                new NodeView(2, NOW, Map.of(A, UP, b, UP)));

        Map<String, Verdict> verdicts = new QuorumVerdict(3, STALE_AFTER).verdicts(db, LEADER, views, NOW);

        assertThat(verdicts.keySet()).containsExactly("a", "b", "c");
        assertThat(verdicts.get("a")).isEqualTo(new Verdict(UP, 2, 0, 2));
        assertThat(verdicts.get("b")).isEqualTo(new Verdict(DOWN, 1, 1, 2));
        assertThat(verdicts.get("c")).isEqualTo(new Verdict(UNKNOWN, 0, 0, 2));
    }

    @Test
    void evidenceHoldsTheFreshViewsOfTheServiceOnly() {
        InstanceKey other = new InstanceKey("queue", "q1");
        List<NodeView> views = List.of(
                new NodeView(3, NOW, Map.of(A, DOWN, other, UP)),
                new NodeView(1, NOW - 10 * STALE_AFTER, Map.of(A, UP)),
                stale(2, DOWN));

        Map<Integer, Map<String, InstanceHealth>> evidence =
                new QuorumVerdict(3, STALE_AFTER).evidence("db", LEADER, views, NOW);

        assertThat(evidence).containsExactly(Map.entry(1, Map.of("a", UP)), Map.entry(3, Map.of("a", DOWN)));
    }

    @Test
    void verdictSummariesSayHowTheNodesSplit() {
        assertThat(new Verdict(DOWN, 0, 3, 3).summary()).isEqualTo("down (3/3 nodes)");
        assertThat(new Verdict(UP, 2, 1, 3).summary()).isEqualTo("up (2/3 nodes)");
        assertThat(new Verdict(UNKNOWN, 1, 1, 3).summary()).isEqualTo("unknown (1 up, 1 down of 3 nodes)");
        assertThatThrownBy(() -> new Verdict(UP, 2, 2, 3)).hasMessageContaining("inconsistent counts");
    }

    @Test
    void healthWireNamesRoundTrip() {
        for (InstanceHealth h : InstanceHealth.values()) assertThat(InstanceHealth.fromWireName(h.wireName())).isEqualTo(h);
        assertThatThrownBy(() -> InstanceHealth.fromWireName("UP")).hasMessageContaining("\"UP\" is not a health");
    }

    static ServiceConfig service(Vantage vantage, String... instances) {
        CheckSpec.Timing timing = new CheckSpec.Timing(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 2, Duration.ZERO);
        List<InstanceConfig> list = new ArrayList<>();
        for (int i = 0; i < instances.length; i++) {
            list.add(new InstanceConfig(instances[i], InstanceAddress.parse("127.0.0." + (i + 1)), i + 1,
                    new CheckSpec.Tcp("127.0.0." + (i + 1), 5432, timing)));
        }
        return new ServiceConfig("db", SelectionPolicy.FAILOVER, Failback.DEFAULT, vantage, WhenNoneHealthy.KEEP_LAST,
                list);
    }

    /**
     * The evidence of a whole pass, built in one scan of the views, is what each service's evidence is on its own:
     * every fresh node (also one that reported nothing of the service), each with that service's instances only;
     * stale views left out. (A pass deciding a thousand services used to scan every view once per decision.)
     */
    @Test
    void theEvidenceOfEveryServiceAtOnceIsEachServicesOwnEvidence() {
        InstanceKey dbA = new InstanceKey("db", "a");
        InstanceKey dbB = new InstanceKey("db", "b");
        InstanceKey webA = new InstanceKey("web", "a");
        List<NodeView> views = List.of(
                new NodeView(1, NOW, Map.of(dbA, UP, dbB, DOWN, webA, UP)),
                new NodeView(2, NOW, Map.of(webA, DOWN)),
                new NodeView(3, NOW - STALE_AFTER - 1, Map.of(dbA, DOWN)));
        QuorumVerdict quorum = new QuorumVerdict(3, STALE_AFTER);
        QuorumVerdict.Evidence all = quorum.evidence(LEADER, views, NOW);

        assertThat(all.of("db")).isEqualTo(Map.of(1, Map.of("a", UP, "b", DOWN), 2, Map.of()));
        assertThat(all.of("web")).isEqualTo(Map.of(1, Map.of("a", UP), 2, Map.of("a", DOWN)));
        assertThat(all.of("none")).isEqualTo(Map.of(1, Map.of(), 2, Map.of()));
        for (String service : List.of("db", "web", "none")) {
            assertThat(quorum.evidence(service, LEADER, views, NOW)).isEqualTo(all.of(service));
        }
        assertThat(all.of("db").keySet()).as("sorted by node id, so equal evidence encodes alike").containsExactly(1, 2);
    }
}
