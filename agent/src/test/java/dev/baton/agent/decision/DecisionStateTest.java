package dev.baton.agent.decision;

import dev.baton.agent.check.InstanceHealth;

import static dev.baton.agent.check.InstanceHealth.DOWN;
import static dev.baton.agent.check.InstanceHealth.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.decision.DecisionState.ApplyOutcome;
import dev.baton.agent.decision.DecisionState.View;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DecisionStateTest {
    private static Decision decision(String service, String instance, long term) {
        return new Decision(service, instance, term, "because " + instance, 1_700_000_000_000L + term,
                Map.of(1, Map.of("a", DOWN, "b", UP)));
    }

    @Test
    void startsEmpty() {
        DecisionState state = new DecisionState();
        assertThat(state.appliedIndex()).isZero();
        assertThat(state.active("db")).isEmpty();
        assertThat(state.decision("db")).isEmpty();
        assertThat(state.history()).isEmpty();
        assertThat(state.view().rejections()).isEmpty();
    }

    @Test
    void appliesDecisionsInOrder() {
        DecisionState state = new DecisionState();
        Decision first = decision("db", "a", 1);
        Decision second = decision("db", "b", 1);
        Decision queue = decision("queue", "q1", 1);

        assertThat(state.apply(1, first)).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(state.apply(2, queue)).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(state.apply(5, second)).isEqualTo(ApplyOutcome.APPLIED);

        assertThat(state.active("db")).contains("b");
        assertThat(state.decision("db")).contains(second);
        assertThat(state.active("queue")).contains("q1");
        assertThat(state.active("other")).isEmpty();
        assertThat(state.view().decisionHistory()).containsExactly(first, queue, second);
        assertThat(state.appliedIndex()).isEqualTo(5);
    }

    @Test
    void aDecisionOfNothingLeavesNoActiveInstance() {
        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 1));
        Decision none = new Decision("db", null, 1, "answering nothing (no_answer)", 0, Map.of());
        state.apply(2, none);
        assertThat(state.active("db")).isEmpty();
        assertThat(state.decision("db")).contains(none);
    }

    @Test
    void fencesADecisionOfALowerTerm() {
        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 5));
        Decision deposed = decision("db", "b", 4);

        assertThat(state.apply(2, deposed)).isEqualTo(ApplyOutcome.FENCED);

        assertThat(state.active("db")).contains("a");
        assertThat(state.view().decisionHistory()).extracting(Decision::instance).containsExactly("a");
        assertThat(state.appliedIndex()).isEqualTo(2);
        assertThat(state.view().rejections()).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(2);
            assertThat(r.decision()).isEqualTo(deposed);
            assertThat(r.reason()).isEqualTo("term 4 is below term 5 of the current decision for db");
        });
    }

    @Test
    void anEqualOrHigherTermIsApplied() {
        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 5));
        assertThat(state.apply(2, decision("db", "b", 5))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(state.apply(3, decision("db", "c", 9))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(state.apply(4, decision("db", "a", 8))).isEqualTo(ApplyOutcome.FENCED);
        assertThat(state.active("db")).contains("c");
    }

    @Test
    void fencingIsPerService() {
        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 5));
        assertThat(state.apply(2, decision("queue", "q1", 2))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(state.active("queue")).contains("q1");
    }

    @Test
    void ignoresAnIndexAlreadyApplied() {
        DecisionState state = new DecisionState();
        state.apply(3, decision("db", "a", 1));
        View before = state.view();

        assertThat(state.apply(3, decision("db", "b", 2))).isEqualTo(ApplyOutcome.ALREADY_APPLIED);
        assertThat(state.apply(1, decision("db", "b", 2))).isEqualTo(ApplyOutcome.ALREADY_APPLIED);

        assertThat(state.view()).isSameAs(before);
    }

    @Test
    void historyKeepsTheConfiguredNumberNewestLast() {
        int keep = 50;
        DecisionState state = new DecisionState(keep);
        for (int i = 1; i <= keep + 5; i++) state.apply(i, decision("db", "i" + i, 1));

        List<Decision> history = state.view().decisionHistory();
        assertThat(history).hasSize(keep);
        assertThat(history.get(0).instance()).isEqualTo("i6");
        assertThat(history.get(history.size() - 1).instance()).isEqualTo("i" + (keep + 5));
        assertThat(state.history().get(0).seq()).isEqualTo(6);
        assertThatThrownBy(() -> state.history().add(state.history().get(0)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectionsAreBounded() {
        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 100));
        for (int i = 2; i <= DecisionState.REJECTIONS_LIMIT + 11; i++) state.apply(i, decision("db", "b", 1));
        assertThat(state.view().rejections()).hasSize(DecisionState.REJECTIONS_LIMIT);
        assertThat(state.view().rejections().get(0).index()).isEqualTo(12);
    }

    @Test
    void aViewNeverChangesOnceTaken() {
        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 1));
        View view = state.view();

        state.apply(2, decision("db", "b", 1));

        assertThat(view.active("db")).contains("a");
        assertThat(view.appliedIndex()).isEqualTo(1);
        assertThat(view.history()).hasSize(1);
        assertThat(state.active("db")).contains("b");
    }

    @Test
    void snapshotRestoresTheSameState() {
        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 3));
        state.apply(2, decision("queue", "q1", 3));
        state.apply(4, new Decision("queue", null, 3, "nothing is up", 9, Map.of()));
        state.apply(7, decision("db", "b", 2)); // fenced

        DecisionState restored = DecisionState.restore(state.snapshot());

        assertThat(restored.view()).isEqualTo(state.view());
        assertThat(restored.appliedIndex()).isEqualTo(7);
        assertThat(restored.active("db")).contains("a");
        assertThat(restored.decision("queue")).hasValueSatisfying(d -> assertThat(d.instance()).isNull());
        assertThat(restored.active("queue")).isEmpty();
        assertThat(restored.view().rejections()).hasSize(1);
        assertThat(restored.snapshot()).isEqualTo(state.snapshot());
    }

    @Test
    void aRestoredStateKeepsFencingAndSkipsEntriesItAlreadyHas() {
        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 5));
        DecisionState restored = DecisionState.restore(state.snapshot());

        assertThat(restored.apply(1, decision("db", "a", 5))).isEqualTo(ApplyOutcome.ALREADY_APPLIED);
        assertThat(restored.apply(2, decision("db", "b", 4))).isEqualTo(ApplyOutcome.FENCED);
        assertThat(restored.apply(3, decision("db", "c", 6))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(restored.active("db")).contains("c");
    }

    @Test
    void anEmptyStateRoundTrips() {
        assertThat(DecisionState.restore(new DecisionState().snapshot()).view()).isEqualTo(new DecisionState().view());
    }

    @Test
    void restoreRejectsWhatIsNotASnapshot() {
        assertRestoreRejected("", "empty decision snapshot");
        assertRestoreRejected("garbage", "not valid JSON");
        assertRestoreRejected("[]", "not a JSON object");
        assertRestoreRejected("{\"format\":3,\"appliedIndex\":1,\"decisions\":[],\"history\":[],\"rejections\":[]}",
                "format 3");
        assertRestoreRejected("{\"format\":1,\"appliedIndex\":-1,\"decisions\":[],\"history\":[],\"rejections\":[]}",
                "negative appliedIndex");
        assertRestoreRejected("{\"format\":1,\"appliedIndex\":1,\"decisions\":{},\"history\":[],\"rejections\":[]}",
                "\"decisions\" must be an array");
        assertRestoreRejected("{\"format\":1,\"appliedIndex\":1,\"decisions\":[],\"history\":[1],\"rejections\":[]}",
                "history is not a JSON object");
        assertRestoreRejected("{\"format\":1,\"appliedIndex\":1,\"decisions\":[],\"history\":[],\"rejections\":[{}]}",
                "needs a string \"reason\"");

        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 1));
        String json = new String(state.snapshot(), StandardCharsets.UTF_8);
        String current = json.substring(json.indexOf("\"decisions\":[") + 13, json.indexOf("],\"history\""));
        String twice = json.replace("\"decisions\":[" + current + "]", "\"decisions\":[" + current + "," + current + "]");
        assertRestoreRejected(twice, "two current decisions for db");
    }

    @Test
    void eachServiceKnowsTheIndexOfItsDecisionAndTheOneBefore() {
        DecisionState state = new DecisionState();
        state.apply(3, decision("db", "a", 1));
        state.apply(4, decision("web", "x", 1));
        state.apply(7, decision("db", "b", 2));
        DecisionState.View view = state.view();
        assertThat(view.index("db")).isEqualTo(7);
        assertThat(view.index("web")).isEqualTo(4);
        assertThat(view.index("none")).isZero();
        assertThat(view.previous("db")).map(Decision::instance).contains("a");
        assertThat(view.previous("web")).isEmpty();
        // Snapshots keep the indexes: a restored node fences its publications as the others do.
        DecisionState.View restored = DecisionState.restore(state.snapshot()).view();
        assertThat(restored.indexes()).isEqualTo(view.indexes());
    }

    private static void assertRestoreRejected(String json, String message) {
        assertThatThrownBy(() -> DecisionState.restore(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecisionFormatException.class).hasMessageContaining(message);
    }

    @Test
    void aBatchIsAppliedWholeAndEachDecisionIsFencedOnItsOwn() throws Exception {
        DecisionState state = new DecisionState();
        state.apply(1, decision("db", "a", 5));
        List<ApplyOutcome> outcomes = state.applyBatch(2, List.of(decision("db", "b", 4), decision("web", "x", 4),
                decision("mq", "m", 4)));
        assertThat(outcomes).containsExactly(ApplyOutcome.FENCED, ApplyOutcome.APPLIED, ApplyOutcome.APPLIED);
        View v = state.view();
        assertThat(v.appliedIndex()).isEqualTo(2);
        assertThat(v.active("db")).contains("a");
        assertThat(v.active("web")).contains("x");
        assertThat(v.index("web")).isEqualTo(2);
        assertThat(v.index("db")).isEqualTo(1);
        assertThat(v.rejections()).hasSize(1);
        assertThat(state.applyBatch(2, List.of(decision("web", "y", 6)))).containsExactly(ApplyOutcome.ALREADY_APPLIED);

        // Readers on other threads see a batch of a hundred services entirely, or not at all.
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> inconsistency = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get() && inconsistency.get() == null) {
                View seen = state.view();
                long expected = seen.appliedIndex() <= 2 ? 0 : seen.appliedIndex();
                for (int s = 0; s < 100; s++) {
                    String active = seen.active("s" + s).orElse(null);
                    if (!java.util.Objects.equals(active, expected == 0 ? null : "i" + expected)) {
                        inconsistency.set("index " + seen.appliedIndex() + ": s" + s + " -> " + active);
                    }
                }
            }
        }, "batch-reader");
        reader.start();
        try {
            for (long i = 3; i <= 300; i++) {
                List<Decision> batch = new java.util.ArrayList<>();
                for (int s = 0; s < 100; s++) batch.add(decision("s" + s, "i" + i, 6));
                state.applyBatch(i, batch);
            }
        } finally {
            done.set(true);
            reader.join(10_000);
        }
        assertThat(inconsistency.get()).isNull();
    }

    @Test
    void readersOnOtherThreadsOnlySeeWholeEntries() throws Exception {
        DecisionState state = new DecisionState();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> inconsistency = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get() && inconsistency.get() == null) {
                View v = state.view();
                long index = v.appliedIndex();
                // Every entry applied here is a new decision for db, named after its index.
                String expected = index == 0 ? null : "i" + index;
                String active = v.active("db").orElse(null);
                int historySize = v.history().size();
                if (!java.util.Objects.equals(active, expected)
                        || historySize != Math.min(index, DecisionState.DEFAULT_HISTORY_KEEP)) {
                    inconsistency.set("index " + index + ", active " + active + ", history " + historySize);
                }
            }
        }, "decision-reader");
        reader.start();
        try {
            for (int i = 1; i <= 3_000; i++) state.apply(i, decision("db", "i" + i, 1));
        } finally {
            done.set(true);
            reader.join(10_000);
        }
        assertThat(inconsistency.get()).isNull();
        assertThat(reader.isAlive()).isFalse();
    }

    @Test
    void rejectsANullDecision() {
        assertThatThrownBy(() -> new DecisionState().apply(1, null)).isInstanceOf(NullPointerException.class);
    }
}
