package dev.baton.agent.publish;

import java.util.Locale;

/** Where one publisher stands, as {@code /v1/status} and {@code baton status} show it. */
public enum PublishState {
    /** Confirmed: what is published matches the current intent. */
    IN_SYNC,
    /** A new intent is being published, with no failure yet. */
    PENDING,
    /** The last attempt failed; retried with backoff. */
    FAILING,
    /** A newer fence is published (a newer leader owns it); this node writes nothing. */
    SUPERSEDED,
    /** Runs only on the leader, and this node does not lead. */
    STANDBY,
    /** Nothing decided yet for this scope. */
    WAITING;

    /** {@code in_sync}, {@code pending}, ... */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
