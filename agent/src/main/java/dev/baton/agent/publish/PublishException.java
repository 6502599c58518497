package dev.baton.agent.publish;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A reconcile attempt that did not confirm the intent. The message is shown in status and logs as it is: it
 * names the problem (an HTTP status and the API's own message, a DNS rcode, an exit code) and never contains a
 * token, a TSIG secret or a request's Authorization header.
 */
public final class PublishException extends Exception {
    private final Kind kind;
    private final Duration retryAfter;

    public PublishException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public PublishException(Kind kind, String message, Duration retryAfter, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** When the other side said when to retry (HTTP 429 {@code retry-after}, {@code ratelimit-reset}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public enum Kind {
        /** A network error, a timeout, a 5xx, a SERVFAIL: retried with capped exponential backoff. */
        TRANSIENT,
        /** Wrong credentials or settings (401/403, NOTAUTH, BADKEY, 404 domain): reported, retried slowly. */
        CONFIGURATION,
        /** The write gate closed: this node no longer leads or its lease is too short; nothing was sent. */
        NOT_LEADING
    }
}
