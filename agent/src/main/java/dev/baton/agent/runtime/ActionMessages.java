package dev.baton.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.agent.api.ActionRequest;
import dev.baton.agent.api.ActionResult;
import dev.baton.agent.decision.OperatorAction;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The cluster-transport messages that carry an operator action from the node that took the HTTP call to the
 * leader, and the leader's answer back: {@code {"type":"action","id":7,"action":"switch","service":"db",
 * "instance":"b","force":false,"client":"10.0.0.9"}} and {@code {"type":"action-reply","id":7,"status":200,
 * "body":{..}}}. The id is the asking node's, unique per node run. Both begin with {@link #PREFIX}, which an
 * observation report never does, so the replica tells them apart without parsing a report twice.
 */
final class ActionMessages {
    static final byte[] PREFIX = "{\"type\":\"action".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BYTES = 64 * 1024;

    private ActionMessages() {
    }

    /** A request or a reply, decoded. */
    sealed interface Message permits Request, Reply {
        long id();
    }

    record Request(long id, ActionRequest request) implements Message {
    }

    record Reply(long id, ActionResult result) implements Message {
    }

    static boolean isAction(byte[] data) {
        if (data.length < PREFIX.length) return false;
        for (int i = 0; i < PREFIX.length; i++) if (data[i] != PREFIX[i]) return false;
        return true;
    }

    static byte[] request(long id, ActionRequest r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "action");
        root.put("id", id);
        root.put("action", r.kind().wireName());
        root.put("service", r.service());
        if (r.instance() != null) root.put("instance", r.instance());
        root.put("force", r.force());
        root.put("client", r.client());
        return write(root);
    }

    static byte[] reply(long id, ActionResult result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "action-reply");
        root.put("id", id);
        root.put("status", result.status());
        root.set("body", JSON.valueToTree(result.body()));
        return write(root);
    }

    /** @throws IllegalArgumentException naming what is wrong */
    static Message decode(byte[] data) {
        if (data.length > MAX_BYTES) throw new IllegalArgumentException("action message of " + data.length + " bytes");
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("action message is not JSON");
        }
        if (root == null || !root.isObject() || !root.path("id").canConvertToLong()) {
            throw new IllegalArgumentException("action message without an id");
        }
        long id = root.get("id").longValue();
        String type = root.path("type").asText();
        if (type.equals("action")) {
            JsonNode instance = root.get("instance");
            return new Request(id, new ActionRequest(OperatorAction.Kind.fromWireName(root.path("action").asText()),
                    text(root, "service"), instance == null || instance.isNull() ? null : instance.asText(),
                    root.path("force").asBoolean(false), text(root, "client")));
        }
        if (type.equals("action-reply")) {
            int status = root.path("status").asInt(0);
            if (status < 200 || status > 599 || !root.path("body").isObject()) {
                throw new IllegalArgumentException("action reply without a status and a body");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> body = JSON.convertValue(root.get("body"), Map.class);
            return new Reply(id, new ActionResult(status, body));
        }
        throw new IllegalArgumentException("unknown action message type \"" + type + "\"");
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual()) throw new IllegalArgumentException("action message without \"" + field + "\"");
        return value.textValue();
    }

    private static byte[] write(ObjectNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an action message", e);
        }
    }
}
