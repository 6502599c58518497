package dev.baton.agent.api;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the HTTP API asks of the node it serves, implemented by the runtime: the api package never imports the
 * runtime (runtime &rarr; api, never back), so the server can be tested with a stub and reused by any node.
 *
 * <p>Every method is called on an HTTP worker thread, must not block for long, and returns JSON-serialisable
 * values (maps, lists, strings, numbers, booleans, null). None may return or include a secret.
 */
public interface NodeApi {
    /** The status document for {@code query}; empty when the one service it asks for does not exist. */
    Optional<Object> status(StatusQuery query);

    /** Members, reachability, leader, term, lease remaining. */
    Object cluster();

    /** Every service: active instance, per-node verdicts, overrides, last change. */
    Object services();

    /** One service as in {@link #services()}; empty when there is no such service. */
    Optional<Object> service(String name);

    /** A page of the replicated history, newest first; empty when the service asked for does not exist. */
    Optional<Object> history(HistoryQuery query);

    /** Whether this node is current and serving, with a document saying why (for load balancers). */
    Health health();

    /**
     * Carries out an operator action through the leader and the log. The future completes once the action is
     * committed and applied here (200), or with the refusal (404, 409) or failure (503); it never completes
     * exceptionally and always completes within a bounded time.
     */
    CompletableFuture<ActionResult> act(ActionRequest request);

    /** @param serving whether this node is current and serving; {@code document} says why */
    record Health(boolean serving, Object document) {
    }
}
