package dev.baton.agent.decision;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's request as the leader judged it, committed to the log so every node applies it the same way
 * and the history shows who asked, when, and what came of it. An accepted action changes the service's
 * {@link ServiceOverrides}; a refused one is recorded only (the audit trail keeps refusals too).
 *
 * @param kind          what was asked
 * @param service       the service it is about
 * @param instance      the instance it names; null for {@code unpin} and {@code approve-failback}
 * @param force         {@code switch}/{@code pin} only: skip the quorum-health rule
 * @param requestedBy   the API client's address, as the node that took the call saw it (never a token)
 * @param viaNode       the node whose API took the call
 * @param atEpochMillis the leader's wall clock when it judged the request (audit only, never ordering)
 * @param term          the term of the leader that judged it
 * @param accepted      whether it was accepted
 * @param outcome       what happened, or why it was refused, for people
 */
public record OperatorAction(Kind kind, String service, String instance, boolean force, String requestedBy,
                             int viaNode, long atEpochMillis, long term, boolean accepted, String outcome)
        implements HistoryItem {
    public OperatorAction {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(service, "service");
        if (service.isBlank()) throw new IllegalArgumentException("action without a service name");
        if (kind.namesInstance() && (instance == null || instance.isBlank())) {
            throw new IllegalArgumentException(kind.wireName() + " needs an instance");
        }
        if (!kind.namesInstance() && instance != null) {
            throw new IllegalArgumentException(kind.wireName() + " names no instance");
        }
        Objects.requireNonNull(requestedBy, "requestedBy");
        if (term < 0) throw new IllegalArgumentException("negative term: " + term);
        Objects.requireNonNull(outcome, "outcome");
    }

    public Optional<String> instanceName() {
        return Optional.ofNullable(instance);
    }

    /** The same request with the leader's judgement. */
    public OperatorAction judged(long atEpochMillis, long term, boolean accepted, String outcome) {
        return new OperatorAction(kind, service, instance, force, requestedBy, viaNode, atEpochMillis, term,
                accepted, outcome);
    }

    /** What an operator may ask; the wire and URL name is {@link #wireName()}. */
    public enum Kind {
        SWITCH(true), DRAIN(true), UNDRAIN(true), PIN(true), UNPIN(false), APPROVE_FAILBACK(false);

        private final boolean namesInstance;

        Kind(boolean namesInstance) {
            this.namesInstance = namesInstance;
        }

        /** Whether the action names an instance ({@code {"instance": "b"}}). */
        public boolean namesInstance() {
            return namesInstance;
        }

        /** {@code switch}, {@code approve-failback}: as in the URL and the log. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** @throws IllegalArgumentException for a name that is no action */
        public static Kind fromWireName(String name) {
            for (Kind k : values()) if (k.wireName().equals(name)) return k;
            throw new IllegalArgumentException("unknown action \"" + name + "\"");
        }
    }
}
