package dev.baton.agent.publish;

import java.util.Objects;

/**
 * What one {@link Publisher#reconcile} call found and did.
 *
 * @param result    see {@link Result}
 * @param published the value now published as read back (an address, {@code droplet 3164445}, {@code held},
 *                  {@code not held}, {@code exit 0}), for status; never a secret
 * @param detail    a short note for status and logs (e.g. the newer fence that superseded us); may be empty
 */
public record Outcome(Result result, String published, String detail) {
    public Outcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(published, "published");
        Objects.requireNonNull(detail, "detail");
    }

    public static Outcome inSync(String published) {
        return new Outcome(Result.IN_SYNC, published, "");
    }

    public static Outcome written(String published) {
        return new Outcome(Result.WRITTEN, published, "");
    }

    public static Outcome superseded(String published, String detail) {
        return new Outcome(Result.SUPERSEDED, published, detail);
    }

    public enum Result {
        /** The published state already matched the intent (confirmed by reading it); nothing was written. */
        IN_SYNC,
        /** Written, then confirmed by reading back (or, for hooks, the hook succeeded). */
        WRITTEN,
        /** A newer fence is published: another (newer) leader owns it; this node wrote nothing. */
        SUPERSEDED
    }
}
