package dev.baton.agent.decision;

import java.util.Optional;

/**
 * What the replicated history records: a {@link Decision}, an {@link OperatorAction} or a
 * {@link LeaderNotice}. Sealed, so a reader handles every kind.
 */
public sealed interface HistoryItem permits Decision, OperatorAction, LeaderNotice {
    /** The service the item is about; empty for a leader change. */
    default Optional<String> serviceName() {
        if (this instanceof Decision d) return Optional.of(d.service());
        if (this instanceof OperatorAction a) return Optional.of(a.service());
        return Optional.empty();
    }
}
