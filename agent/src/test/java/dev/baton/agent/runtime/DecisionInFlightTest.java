package dev.baton.agent.runtime;

import dev.baton.agent.decision.DecisionState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the leader may decide a service again: not while its last decision is in flight, which lasts until the
 * state a pass read has applied it. The append's future completes right after the apply, so "the future is
 * done" alone let a pass that had read the state a moment earlier decide the service twice.
 */
class DecisionInFlightTest {

    private static DecisionState.View applied(long index) {
        return new DecisionState.View(index, Map.of(), Map.of(), List.of(), List.of(), Map.of(), Optional.empty());
    }

    @Test
    void aDecisionIsInFlightUntilTheStateThePassReadHasAppliedIt() {
        CompletableFuture<Long> appended = new CompletableFuture<>();
        assertThat(DecisionMaker.inFlight(appended, applied(4))).as("not committed yet").isTrue();

        appended.complete(5L);
        assertThat(DecisionMaker.inFlight(appended, applied(4)))
                .as("committed at 5, but the pass read the state as of 4").isTrue();
        assertThat(DecisionMaker.inFlight(appended, applied(5))).isFalse();
        assertThat(DecisionMaker.inFlight(appended, applied(9))).isFalse();
    }

    @Test
    void aFailedAppendOrNoneIsNotInFlight() {
        assertThat(DecisionMaker.inFlight(null, applied(0))).isFalse();
        assertThat(DecisionMaker.inFlight(CompletableFuture.failedFuture(new IllegalStateException("lost the lead")),
                applied(0))).isFalse();
    }
}
