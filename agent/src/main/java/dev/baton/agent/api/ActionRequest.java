package dev.baton.agent.api;

import dev.baton.agent.decision.OperatorAction;
import java.util.Objects;

/**
 * A mutating call as the API took it: {@code POST /v1/services/{service}/{kind}} with its body.
 *
 * @param instance the instance the body names; null for kinds that name none
 * @param client   the caller's address as this node saw it, for the history (never a token)
 */
public record ActionRequest(OperatorAction.Kind kind, String service, String instance, boolean force, String client) {
    public ActionRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(client, "client");
    }
}
