package dev.baton.agent.api;

import java.util.Map;
import java.util.Objects;

/**
 * The answer to an {@link ActionRequest}: an HTTP status and a JSON object ({@code {"error": ...}} unless 200).
 */
public record ActionResult(int status, Map<String, Object> body) {
    public ActionResult {
        body = Map.copyOf(body);
    }

    /** A refusal or failure: {@code {"error": message}}. */
    public static ActionResult error(int status, String message) {
        Objects.requireNonNull(message, "message");
        return new ActionResult(status, Map.of("error", message));
    }

    public boolean ok() {
        return status == 200;
    }
}
