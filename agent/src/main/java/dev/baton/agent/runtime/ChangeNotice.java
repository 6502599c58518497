package dev.baton.agent.runtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * "I saw these instances change state": sent by a node to every peer as soon as its own checks flip an
 * instance, so the peers check it at once (expedited confirmation, {@link ConfirmationGate}) instead of at
 * their next scheduled run. It travels like an {@link ObservationReport} (the election transport's application
 * messages) and is told apart by its type: {@code {"v":1,"type":"changed","node":2,"down":["db/a"],"up":[]}}.
 */
public record ChangeNotice(int node, Map<InstanceKey, InstanceHealth> changed) {
    static final String TYPE = "changed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;
    /** Notices are small; a bigger payload is not ours. */
    private static final int MAX_BYTES = 1 << 20;

    public ChangeNotice {
        changed = Map.copyOf(changed);
        if (changed.containsValue(InstanceHealth.UNKNOWN)) throw new IllegalArgumentException("a change is to up or down");
    }

    public byte[] encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", VERSION);
        root.put("type", TYPE);
        root.put("node", node);
        for (InstanceHealth state : new InstanceHealth[]{InstanceHealth.DOWN, InstanceHealth.UP}) {
            var keys = root.putArray(state.wireName());
            new TreeMap<>(changed).forEach((key, s) -> {
                if (s == state) keys.add(key.toString());
            });
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a change notice", e);
        }
    }

    /**
     * Whether {@code bytes} hold a change notice rather than a report: reads the top-level fields only up to
     * {@code type}, so a receiver parses every message once. False for anything unreadable.
     */
    static boolean isNotice(byte[] bytes) {
        try (JsonParser p = JSON.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                p.nextToken();
                if (field.equals("type")) return TYPE.equals(p.getValueAsString());
                p.skipChildren();
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Decodes a notice; throws {@link IllegalArgumentException} naming what is wrong. */
    public static ChangeNotice decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > MAX_BYTES) throw new IllegalArgumentException("notice of " + bytes.length + " bytes is too large");
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("notice is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !TYPE.equals(root.path("type").asText())) {
            throw new IllegalArgumentException("not a change notice");
        }
        if (root.path("v").asInt(-1) != VERSION) throw new IllegalArgumentException("unknown notice version " + root.path("v"));
        if (!root.path("node").canConvertToInt()) throw new IllegalArgumentException("notice lacks node");
        Map<InstanceKey, InstanceHealth> changed = new TreeMap<>();
        for (InstanceHealth state : new InstanceHealth[]{InstanceHealth.DOWN, InstanceHealth.UP}) {
            JsonNode keys = root.path(state.wireName());
            if (!keys.isArray()) throw new IllegalArgumentException("notice lacks a " + state.wireName() + " list");
            for (JsonNode key : keys) changed.put(instanceKey(key.asText()), state);
        }
        return new ChangeNotice(root.get("node").asInt(), changed);
    }

    private static InstanceKey instanceKey(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("bad instance key " + (text.length() > 64 ? text.substring(0, 64) + "..." : text));
        }
        return new InstanceKey(text.substring(0, slash), text.substring(slash + 1));
    }
}
