package dev.baton.agent.decision;

import static dev.baton.agent.check.InstanceHealth.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.decision.OperatorAction.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Operator actions in the log: what they leave in the replicated overrides and history, and their codec. */
class OperatorActionStateTest {
    private static Decision decision(String service, String instance, long term) {
        return new Decision(service, instance, term, "because " + instance, 1_700_000_000_000L, Map.of(1, Map.of("a", UP)));
    }

    private static OperatorAction action(Kind kind, String service, String instance, boolean accepted) {
        return new OperatorAction(kind, service, instance, false, "127.0.0.1:5000", 2, 1_700_000_000_000L, 3,
                accepted, accepted ? "done" : "refused: no");
    }

    private static LogEntry entry(OperatorAction action, Decision... decisions) {
        return new LogEntry(Optional.empty(), List.of(action), List.of(decisions));
    }

    @Test
    void acceptedActionsSetAndClearEachOverride() {
        DecisionState state = new DecisionState();
        state.applyEntry(1, entry(action(Kind.DRAIN, "db", "a", true)));
        state.applyEntry(2, entry(action(Kind.DRAIN, "db", "c", true)));
        state.applyEntry(3, entry(action(Kind.PIN, "web", "b", true)));
        assertThat(state.view().overrides("db").drained()).containsExactly("a", "c");
        assertThat(state.view().overrides("web").pinned()).contains("b");

        state.applyEntry(4, entry(action(Kind.UNDRAIN, "db", "a", true)));
        state.applyEntry(5, entry(action(Kind.UNPIN, "web", null, true)));
        assertThat(state.view().overrides("db").drained()).containsExactly("c");
        assertThat(state.view().overrides()).doesNotContainKey("web");
    }

    @Test
    void aRefusedActionIsRecordedAndChangesNothing() {
        DecisionState state = new DecisionState();
        state.applyEntry(1, entry(action(Kind.DRAIN, "db", "a", false)));
        assertThat(state.view().overrides("db")).isEqualTo(ServiceOverrides.NONE);
        assertThat(state.history()).singleElement().satisfies(e -> {
            assertThat(e.item()).isInstanceOf(OperatorAction.class);
            assertThat(((OperatorAction) e.item()).outcome()).isEqualTo("refused: no");
        });
    }

    @Test
    void aSwitchAndItsDecisionApplyTogetherAndALaterMoveElsewhereEndsTheSwitch() {
        DecisionState state = new DecisionState();
        state.applyEntry(1, entry(action(Kind.SWITCH, "db", "b", true), decision("db", "b", 3)));
        assertThat(state.view().active("db")).contains("b");
        assertThat(state.view().overrides("db").switchedTo()).contains("b");

        state.applyEntry(2, LogEntry.of(List.of(decision("db", "b", 3)))); // staying: the switch holds
        assertThat(state.view().overrides("db").switchedTo()).contains("b");
        state.applyEntry(3, LogEntry.of(List.of(decision("db", "a", 3))));
        assertThat(state.view().overrides("db").switchedTo()).isEmpty();
    }

    @Test
    void historyHoldsLeaderChangesActionsAndDecisionsInLogOrderAndPagesNewestFirst() {
        DecisionState state = new DecisionState();
        state.applyEntry(1, new LogEntry(Optional.of(new LeaderNotice(1, 3, 5)), List.of(), List.of()));
        state.applyEntry(2, entry(action(Kind.SWITCH, "db", "b", true), decision("db", "b", 3)));
        state.applyEntry(3, LogEntry.of(List.of(decision("web", "a", 3))));

        assertThat(state.history()).extracting(HistoryEntry::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(state.history()).extracting(e -> e.item().getClass().getSimpleName())
                .containsExactly("LeaderNotice", "OperatorAction", "Decision", "Decision");
        assertThat(state.view().leader()).contains(new LeaderNotice(1, 3, 5));

        DecisionState.View v = state.view();
        assertThat(v.historyPage(null, 0, 2)).extracting(HistoryEntry::seq).containsExactly(4L, 3L);
        assertThat(v.historyPage(null, 3, 10)).extracting(HistoryEntry::seq).containsExactly(2L, 1L);
        assertThat(v.historyPage("db", 0, 10)).extracting(HistoryEntry::seq).containsExactly(3L, 2L);
    }

    @Test
    void overridesHistoryAndLeaderSurviveASnapshotAndARestoreWithASmallerKeep() {
        DecisionState state = new DecisionState();
        state.applyEntry(1, new LogEntry(Optional.of(new LeaderNotice(2, 4, 5)), List.of(), List.of()));
        state.applyEntry(2, entry(action(Kind.DRAIN, "db", "a", true), decision("db", "b", 4)));
        state.applyEntry(3, entry(action(Kind.PIN, "db", "b", true)));
        state.applyEntry(4, entry(action(Kind.SWITCH, "web", "c", true), decision("web", "c", 4)));

        DecisionState restored = DecisionState.restore(state.snapshot());
        assertThat(restored.view()).isEqualTo(state.view());

        DecisionState small = DecisionState.restore(state.snapshot(), 2);
        assertThat(small.history()).extracting(HistoryEntry::seq).containsExactly(5L, 6L);
        small.applyEntry(5, entry(action(Kind.UNPIN, "db", null, true)));
        assertThat(small.history()).extracting(HistoryEntry::seq).containsExactly(6L, 7L);
    }

    @Test
    void aSnapshotOfFormatOneIsStillRead() {
        String v1 = "{\"format\":1,\"appliedIndex\":3,\"decisions\":[" + tree(decision("db", "b", 2)) + "],"
                + "\"history\":[" + tree(decision("db", "b", 2)) + "],\"rejections\":[]}";
        DecisionState state = DecisionState.restore(v1.getBytes(StandardCharsets.UTF_8));
        assertThat(state.view().active("db")).contains("b");
        assertThat(state.history()).singleElement().extracting(HistoryEntry::seq).isEqualTo(1L);
        assertThat(state.view().overrides()).isEmpty();
    }

    private static String tree(Decision d) {
        return DecisionCodec.toTree(d).toString();
    }

    @Test
    void entriesOfActionsAndLeaderNoticesRoundTripAndDecisionOnlyBatchesReadAsBefore() {
        LogEntry entry = new LogEntry(Optional.of(new LeaderNotice(1, 9, 7)),
                List.of(action(Kind.SWITCH, "db", "b", true), action(Kind.UNPIN, "web", null, false)),
                List.of(decision("db", "b", 9)));
        assertThat(DecisionCodec.decodeLogEntry(DecisionCodec.encodeEntry(entry))).isEqualTo(entry);

        byte[] batch = DecisionCodec.encodeBatch(List.of(decision("db", "a", 1)));
        assertThat(new String(batch, StandardCharsets.UTF_8)).doesNotContain("actions").doesNotContain("leader");
        assertThat(DecisionCodec.decodeEntry(batch)).containsExactly(decision("db", "a", 1));
        assertThat(DecisionCodec.decodeLogEntry(DecisionCodec.encode(decision("db", "a", 1))).decisions())
                .containsExactly(decision("db", "a", 1));
    }

    @Test
    void badActionsAreRejectedByName() {
        assertThatThrownBy(() -> DecisionCodec.decodeLogEntry("{\"format\":2}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecisionFormatException.class).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> DecisionCodec.decodeLogEntry(("{\"format\":2,\"actions\":[{\"action\":\"reboot\","
                + "\"service\":\"db\",\"force\":false,\"by\":\"x\",\"via\":1,\"at\":1,\"term\":1,\"accepted\":true,"
                + "\"outcome\":\"\"}]}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecisionFormatException.class).hasMessageContaining("unknown action \"reboot\"");
        assertThatThrownBy(() -> action(Kind.DRAIN, "db", null, true)).hasMessageContaining("drain needs an instance");
    }
}
