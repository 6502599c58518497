package dev.baton.agent.decision;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One committed log entry: a new leader's notice, then operator actions, then decisions, applied in that order
 * and atomically by {@link DecisionState#applyEntry}. An action and the decision it causes (a switch, a drain of
 * the active instance) travel in one entry, so no node ever sees one without the other.
 */
public record LogEntry(Optional<LeaderNotice> leader, List<OperatorAction> actions, List<Decision> decisions) {
    public LogEntry {
        Objects.requireNonNull(leader, "leader");
        actions = List.copyOf(actions);
        decisions = List.copyOf(decisions);
        if (leader.isEmpty() && actions.isEmpty() && decisions.isEmpty()) {
            throw new IllegalArgumentException("an empty entry");
        }
    }

    /** An entry of decisions only (what the leader's pass writes). */
    public static LogEntry of(List<Decision> decisions) {
        return new LogEntry(Optional.empty(), List.of(), decisions);
    }
}
