package dev.baton.agent.publish;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One publisher's state for status: never a secret (targets and errors are written without them).
 *
 * @param published       the value last confirmed, as the publisher read it back
 * @param fence           the fence of the intent last confirmed
 * @param attempts        failed attempts since the last success
 * @param lastError       the last failure's message, kept after a later success for the record
 * @param publishMillis   for the last change this node published: from when it saw the decision (its commit,
 *                        on the leader) to confirmed publication
 */
public record PublisherStatus(String scope, String kind, String target, PublishState state,
                              Optional<String> published, Optional<Fence> fence, int attempts,
                              Optional<Instant> lastSuccess, Optional<String> lastError,
                              Optional<Instant> lastErrorAt, Optional<Long> publishMillis, String detail) {
    public PublisherStatus {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(published, "published");
        Objects.requireNonNull(fence, "fence");
        Objects.requireNonNull(lastSuccess, "lastSuccess");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(lastErrorAt, "lastErrorAt");
        Objects.requireNonNull(publishMillis, "publishMillis");
        Objects.requireNonNull(detail, "detail");
    }
}
