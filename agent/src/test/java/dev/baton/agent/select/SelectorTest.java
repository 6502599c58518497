package dev.baton.agent.select;

import static dev.baton.agent.select.Scenario.instances;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.config.Failback;
import dev.baton.agent.config.SelectionPolicy;
import dev.baton.agent.config.WhenNoneHealthy;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SelectorTest {
    private static final Failback IMMEDIATE = new Failback.Immediate();
    private static final Failback MANUAL = new Failback.Manual();
    private static final Failback AFTER_30S = new Failback.After(Duration.ofSeconds(30));

    private static void assertSelected(Selection s, String instance, boolean changed) {
        assertThat(s.instance()).as(s.reason()).contains(instance);
        assertThat(s.changed()).as(s.reason()).isEqualTo(changed);
    }

    private static void assertNothing(Selection s, boolean changed) {
        assertThat(s.instance()).as(s.reason()).isEmpty();
        assertThat(s.changed()).as(s.reason()).isEqualTo(changed);
    }

    static Stream<Arguments> everyPolicyAndFailback() {
        return Stream.of(
                Arguments.of(SelectionPolicy.FAILOVER, IMMEDIATE),
                Arguments.of(SelectionPolicy.FAILOVER, AFTER_30S),
                Arguments.of(SelectionPolicy.FAILOVER, MANUAL),
                Arguments.of(SelectionPolicy.STICKY, MANUAL));
    }

    static Stream<Arguments> everyPolicyFailbackAndWhenNone() {
        return everyPolicyAndFailback().flatMap(a -> Stream.of(WhenNoneHealthy.values())
                .map(w -> Arguments.of(a.get()[0], a.get()[1], w)));
    }

    @Nested
    class Initial {
        @ParameterizedTest
        @MethodSource("dev.baton.agent.select.SelectorTest#everyPolicyAndFailback")
        void picksTheBestUpInstance(SelectionPolicy policy, Failback failback) {
            Selection s = instances("a", "b", "c").policy(policy).failback(failback).down("a").up("b", "c").select();
            assertSelected(s, "b", true);
            assertThat(s.reason()).isEqualTo("no active instance; b is up (3/3 nodes)");
        }

        @Test
        void lowerPriorityNumberWinsThenConfigOrder() {
            Scenario s = instances().instance("a", 5).instance("b", 2).instance("c", 2).up("a", "b", "c");
            assertSelected(s.select(), "b", true);
        }

        @ParameterizedTest
        @EnumSource(WhenNoneHealthy.class)
        void nothingUpMeansNothingSelected(WhenNoneHealthy whenNone) {
            Selection s = instances("a", "b").whenNoneHealthy(whenNone).down("a").unknown("b").select();
            assertNothing(s, false);
            assertThat(s.reason()).isEqualTo("no active instance; no instance is up (a down (3/3 nodes), "
                    + "b unknown (1 up, 1 down of 3 nodes))");
        }

        @Test
        void anInstanceWithoutAVerdictIsNotUp() {
            assertNothing(instances("a").select(), false);
        }
    }

    @Nested
    class ActiveDown {
        @ParameterizedTest
        @MethodSource("dev.baton.agent.select.SelectorTest#everyPolicyAndFailback")
        void movesToTheBestUpInstance(SelectionPolicy policy, Failback failback) {
            Selection s = instances("a", "b", "c").policy(policy).failback(failback)
                    .active("a").down("a").up("b", "c").select();
            assertSelected(s, "b", true);
            assertThat(s.reason()).isEqualTo("a is down (3/3 nodes); b is up (3/3 nodes)");
        }

        @ParameterizedTest
        @MethodSource("dev.baton.agent.select.SelectorTest#everyPolicyAndFailback")
        void movesEvenToAWorsePriority(SelectionPolicy policy, Failback failback) {
            Selection s = instances("a", "b", "c").policy(policy).failback(failback)
                    .active("b").down("b").unknown("a").up("c").select();
            assertSelected(s, "c", true);
        }

        @ParameterizedTest
        @MethodSource("dev.baton.agent.select.SelectorTest#everyPolicyFailbackAndWhenNone")
        void withNothingUpFollowsWhenNoneHealthy(SelectionPolicy policy, Failback failback, WhenNoneHealthy whenNone) {
            Selection s = instances("a", "b").policy(policy).failback(failback).whenNoneHealthy(whenNone)
                    .active("a").down("a").unknown("b").select();
            if (whenNone == WhenNoneHealthy.KEEP_LAST) {
                assertSelected(s, "a", false);
                assertThat(s.reason()).startsWith("a is down (3/3 nodes); no instance is up (")
                        .endsWith("; keeping a (keep_last)");
            } else {
                assertNothing(s, true);
                assertThat(s.reason()).endsWith("; answering nothing (no_answer)");
            }
        }
    }

    @Nested
    class ActiveUnknown {
        @ParameterizedTest
        @MethodSource("dev.baton.agent.select.SelectorTest#everyPolicyAndFailback")
        void stays(SelectionPolicy policy, Failback failback) {
            Selection s = instances("a", "b").policy(policy).failback(failback)
                    .active("b").unknown("b").up("a").select();
            assertSelected(s, "b", false);
            assertThat(s.reason()).contains("staying on b until the verdict is clear");
        }
    }

    @Nested
    class ActiveUpFailover {
        @ParameterizedTest
        @MethodSource("dev.baton.agent.select.SelectorTest#everyPolicyAndFailback")
        void staysWhenNothingBetterIsUp(SelectionPolicy policy, Failback failback) {
            Selection s = instances("a", "b", "c").policy(policy).failback(failback)
                    .active("b").down("a").up("b", "c").select();
            assertSelected(s, "b", false);
        }

        @Test
        void immediateFailsBackAtOnce() {
            Selection s = instances("a", "b").failback(IMMEDIATE).active("b").upFor("a", 1).up("b").select();
            assertSelected(s, "a", true);
            assertThat(s.reason()).isEqualTo("a is up (3/3 nodes) and has better priority than b; failing back (immediate)");
        }

        @Test
        void afterWaitsForTheHoldDown() {
            Selection s = instances("a", "b").failback(AFTER_30S).active("b").upFor("a", 10_000).up("b").select();
            assertSelected(s, "b", false);
            assertThat(s.reason()).isEqualTo("b is up (3/3 nodes); a has better priority but has been up only 10s"
                    + " of its 30s hold-down");
        }

        @Test
        void afterFailsBackOnceTheHoldDownHasPassed() {
            Scenario justHeld = instances("a", "b").failback(AFTER_30S).active("b").upFor("a", 30_000).up("b");
            assertSelected(justHeld.select(), "a", true);
            assertThat(justHeld.select().reason()).isEqualTo(
                    "a is up (3/3 nodes), up for 30s and has better priority than b; failing back (after 30s)");
            assertSelected(instances("a", "b").failback(AFTER_30S).active("b").upFor("a", 29_999).up("b").select(),
                    "b", false);
        }

        @Test
        void afterDoesNotFailBackWhenItIsUnknownHowLongTheBetterOneHasBeenUp() {
            Selection s = instances("a", "b").failback(AFTER_30S).active("b").upSinceUnknown("a").up("b").select();
            assertSelected(s, "b", false);
            assertThat(s.reason()).contains("has been up not known how long");
        }

        @Test
        void afterTakesAStableSecondBestWhileTheBestIsInItsHoldDown() {
            Selection s = instances("a", "b", "c").failback(AFTER_30S).active("c")
                    .upFor("a", 5_000).upFor("b", 60_000).up("c").select();
            assertSelected(s, "b", true);
        }

        @Test
        void afterZeroIsImmediate() {
            Selection s = instances("a", "b").failback(new Failback.After(Duration.ZERO))
                    .active("b").upSinceUnknown("a").up("b").select();
            assertSelected(s, "a", true);
        }

        @Test
        void manualStays() {
            Selection s = instances("a", "b").failback(MANUAL).active("b").up("a", "b").select();
            assertSelected(s, "b", false);
            assertThat(s.reason()).isEqualTo("b is up (3/3 nodes); a is up with better priority, but failback is manual");
        }

        @Test
        void equalPriorityIsNotBetterEvenEarlierInConfig() {
            Scenario s = instances().instance("a", 1).instance("b", 1).failback(IMMEDIATE).active("b").up("a", "b");
            // Config order breaks ties only when a move is needed; equal priority is not worth a failback.
            assertSelected(s.select(), "b", false);
        }
    }

    @Nested
    class ActiveUpSticky {
        @ParameterizedTest
        @EnumSource(WhenNoneHealthy.class)
        void neverFailsBack(WhenNoneHealthy whenNone) {
            Selection s = instances("a", "b").sticky().whenNoneHealthy(whenNone).active("b").up("a", "b").select();
            assertSelected(s, "b", false);
            assertThat(s.reason()).isEqualTo("b is up (3/3 nodes); sticky keeps it");
        }
    }

    @Nested
    class Drain {
        @ParameterizedTest
        @MethodSource("dev.baton.agent.select.SelectorTest#everyPolicyAndFailback")
        void aDrainedActiveInstanceIsReplaced(SelectionPolicy policy, Failback failback) {
            Selection s = instances("a", "b").policy(policy).failback(failback).active("a").up("a", "b").drain("a")
                    .select();
            assertSelected(s, "b", true);
            assertThat(s.reason()).isEqualTo("a is drained; b is up (3/3 nodes)");
        }

        @ParameterizedTest
        @EnumSource(WhenNoneHealthy.class)
        void aDrainedActiveInstanceIsDroppedEvenUnderKeepLast(WhenNoneHealthy whenNone) {
            Selection s = instances("a", "b").whenNoneHealthy(whenNone).active("a").up("a").down("b").drain("a")
                    .select();
            assertNothing(s, true);
            assertThat(s.reason()).startsWith("a is drained; no instance is up (a up (3/3 nodes) drained, ");
        }

        @Test
        void aDrainedInstanceIsNeverACandidate() {
            assertSelected(instances("a", "b", "c").up("a", "b", "c").drain("a").select(), "b", true);
            assertSelected(instances("a", "b", "c").active("c").down("c").up("a", "b").drain("a").select(), "b", true);
            assertSelected(instances("a", "b").failback(IMMEDIATE).active("b").up("a", "b").drain("a").select(),
                    "b", false);
        }
    }

    @Nested
    class Pin {
        @ParameterizedTest
        @MethodSource("dev.baton.agent.select.SelectorTest#everyPolicyAndFailback")
        void aPinnedUpInstanceIsSelectedOverABetterOne(SelectionPolicy policy, Failback failback) {
            Selection s = instances("a", "b").policy(policy).failback(failback).active("a").up("a", "b").pin("b")
                    .select();
            assertSelected(s, "b", true);
            assertThat(s.reason()).isEqualTo("b is pinned by an operator and up (3/3 nodes); no automatic change"
                    + " while pinned");
        }

        @Test
        void aPinnedUnknownInstanceIsKept() {
            assertSelected(instances("a", "b").active("b").up("a").unknown("b").pin("b").select(), "b", false);
            assertSelected(instances("a", "b").up("a").pin("b").select(), "b", true);
        }

        @ParameterizedTest
        @MethodSource("dev.baton.agent.select.SelectorTest#everyPolicyAndFailback")
        void aPinnedDownInstanceIsKeptNoAutomaticChangeWhilePinned(SelectionPolicy policy, Failback failback) {
            Selection s = instances("a", "b", "c").policy(policy).failback(failback).active("b").down("b").up("c")
                    .pin("b").select();
            assertSelected(s, "b", false);
            assertThat(s.reason()).isEqualTo("b is pinned by an operator and down (3/3 nodes); no automatic change"
                    + " while pinned");
        }

        @Test
        void aPinnedDrainedInstanceIsIgnored() {
            Selection s = instances("a", "b").active("b").up("a", "b").pin("b").drain("b").select();
            assertSelected(s, "a", true);
            assertThat(s.reason()).startsWith("pin of b ignored: b is drained; ");
        }

        @Test
        void aPinOfAnUnknownNameIsIgnored() {
            Selection s = instances("a", "b").active("b").up("a", "b").pin("zz").select();
            assertSelected(s, "a", true);
            assertThat(s.reason()).startsWith("pin of zz ignored: no such instance; ");
        }
    }

    @Nested
    class Switched {
        @Test
        void anUpInstanceAnOperatorSwitchedToIsNotFailedBackFrom() {
            Selection s = instances("a", "b").failback(IMMEDIATE).active("b").up("a", "b").switchedTo("b").select();
            assertSelected(s, "b", false);
            assertThat(s.reason()).isEqualTo("b is up (3/3 nodes); an operator switched to it, so it stays");
        }

        @Test
        void aSwitchedToInstanceThatGoesDownFailsOverAsUsual() {
            assertSelected(instances("a", "b").failback(IMMEDIATE).active("b").down("b").up("a").switchedTo("b")
                    .select(), "a", true);
        }

        @Test
        void aSwitchToAnotherInstanceThanTheActiveOneChangesNothing() {
            assertSelected(instances("a", "b").failback(IMMEDIATE).active("b").up("a", "b").switchedTo("c").select(),
                    "a", true);
        }
    }

    @Nested
    class ApprovedFailback {
        @Test
        void manualFailbackMovesToTheBestCandidateOnlyWhenApproved() {
            assertSelected(instances("a", "b", "c").failback(MANUAL).active("c").up("a", "b", "c")
                    .select(), "c", false);
            Selection s = instances("a", "b", "c").failback(MANUAL).active("c").up("a", "b", "c")
                    .approveFailback().select();
            assertSelected(s, "a", true);
            assertThat(s.reason()).endsWith("failing back (manual, approved by an operator)");
        }

        @Test
        void anApprovalOverridesTheHoldOfASwitch() {
            assertSelected(instances("a", "b").failback(MANUAL).active("b").up("a", "b").switchedTo("b")
                    .approveFailback().select(), "a", true);
        }

        @Test
        void anApprovalNeverMovesToADrainedInstance() {
            assertSelected(instances("a", "b", "c").failback(MANUAL).active("c").up("a", "b", "c")
                    .drain("a").approveFailback().select(), "b", true);
        }
    }

    @Nested
    class Unconfigured {
        @Test
        void anActiveInstanceNoLongerConfiguredIsReplaced() {
            Selection s = instances("a", "b").active("old").down("a").up("b").select();
            assertSelected(s, "b", true);
            assertThat(s.reason()).isEqualTo("old is no longer configured; b is up (3/3 nodes)");
        }

        @Test
        void anActiveInstanceNoLongerConfiguredIsDroppedEvenUnderKeepLast() {
            Selection s = instances("a").whenNoneHealthy(WhenNoneHealthy.KEEP_LAST).active("old").down("a").select();
            assertNothing(s, true);
        }
    }

    @Test
    void changedIsFalseWhenTheSelectionIsTheActiveInstance() {
        Selection s = instances("a").active("a").up("a").select();
        assertThat(s).isEqualTo(new Selection(Optional.of("a"), false, "a is up (3/3 nodes); no better-priority instance is up"));
    }
}
