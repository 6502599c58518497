package dev.baton.agent.publish.hook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Placement;
import java.nio.charset.StandardCharsets;

/**
 * The JSON a webhook POSTs, fields in this order:
 * {@code service, instance, address, previous_instance, previous_address, term, index, reason, decided_at}, plus
 * {@code role} (the sending node's own role) for the leader scope only, where {@code service} is
 * {@code "leader"}. Absent values are {@code null}; {@code term} and {@code index} are numbers;
 * {@code decided_at} is ISO-8601 UTC.
 */
final class WebhookBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookBody() {
    }

    static ObjectNode of(Intent intent) {
        ObjectNode body = JSON.createObjectNode();
        body.put("service", intent.scope());
        body.put("instance", intent.placement().map(Placement::instance).orElse(null));
        body.put("address", intent.placement().map(Placement::address).orElse(null));
        body.put("previous_instance", intent.previous().map(Placement::instance).orElse(null));
        body.put("previous_address", intent.previous().map(Placement::address).orElse(null));
        body.put("term", intent.fence().term());
        body.put("index", intent.fence().index());
        body.put("reason", intent.reason());
        body.put("decided_at", HookValues.decidedAt(intent).orElse(null));
        if (intent.isLeaderScope()) body.put("role", intent.role().text());
        return body;
    }

    static byte[] bytes(Intent intent) {
        try {
            return JSON.writeValueAsString(of(intent)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree of strings and numbers", e);
        }
    }
}
