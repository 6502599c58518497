package dev.baton.agent.decision;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.agent.check.InstanceHealth;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The log-entry format of decisions. An entry is a <em>batch</em>, every decision the leader made in one pass
 * ({@code format} 2): <pre>{"format":2,"decisions":[{"service":"db",...},{"service":"web",...}]}</pre> Each
 * decision inside is a {@link Decision} in the shape below. Entries written before batches (format 1, one
 * decision) are still read. One decision is UTF-8 JSON such as
 * <pre>{"format":1,"service":"db","instance":"b","term":7,"reason":"a is down (3/3 nodes); b is up (3/3 nodes)",
 * "decidedAt":1700000000000,"evidence":{"1":{"a":"down","b":"up"}}}</pre>
 * {@code instance} is {@code null} when the service answers nothing. Evolution: adding a field keeps
 * {@code format} 1, and older nodes ignore fields they do not know; a change older nodes must not misread
 * bumps {@code format}, and they reject it rather than guess.
 *
 * <p>Stateless and thread-safe. {@link #decode} never returns a partial decision: it throws
 * {@link DecisionFormatException} naming the first problem.
 */
public final class DecisionCodec {
    /** The format of one decision (and of snapshots). */
    public static final int FORMAT_VERSION = 1;
    /**
     * The format of a batch entry. A node of an older version rejects it by its format ("upgrade this node")
     * rather than misread it, so upgrade followers before the leader (OPERATIONS.md, "Upgrades").
     */
    public static final int BATCH_FORMAT = 2;

    // A log entry must mean one thing: a repeated key or trailing bytes make it ambiguous, so both are rejected.
    static final ObjectMapper JSON = new ObjectMapper(
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private DecisionCodec() {
    }

    public static byte[] encode(Decision decision) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", FORMAT_VERSION);
        root.setAll(toTree(decision));
        return write(root);
    }

    /** One log entry holding every decision of one pass (at least one; services distinct). */
    public static byte[] encodeBatch(List<Decision> decisions) {
        if (decisions.isEmpty()) throw new IllegalArgumentException("an empty batch");
        return encodeEntry(LogEntry.of(decisions));
    }

    /**
     * One log entry of format 2: <pre>{"format":2,"leader":{..},"actions":[..],"decisions":[..]}</pre> where each
     * part is left out when empty. Entries of decisions only are what nodes before operator actions wrote.
     */
    public static byte[] encodeEntry(LogEntry entry) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", BATCH_FORMAT);
        entry.leader().ifPresent(l -> root.set("leader", toTree(l)));
        if (!entry.actions().isEmpty()) {
            ArrayNode list = root.putArray("actions");
            for (OperatorAction a : entry.actions()) list.add(toTree(a));
        }
        if (!entry.decisions().isEmpty()) {
            ArrayNode list = root.putArray("decisions");
            for (Decision d : entry.decisions()) list.add(toTree(d));
        }
        return write(root);
    }

    /**
     * The decisions of one log entry, in order: a batch, or a single decision of format 1.
     *
     * @throws DecisionFormatException when the bytes are not an entry of a known format, a batch is empty, or
     *                                 it names a service twice
     */
    public static List<Decision> decodeEntry(byte[] bytes) {
        return decodeLogEntry(bytes).decisions();
    }

    /**
     * One log entry: a format-2 entry (leader notice, actions, decisions: at least one of them), or a single
     * decision of format 1.
     *
     * @throws DecisionFormatException when the bytes are not an entry of a known format, it is empty, or its
     *                                 decisions name a service twice
     */
    public static LogEntry decodeLogEntry(byte[] bytes) {
        JsonNode root = parse(bytes, "log entry");
        JsonNode format = root.get("format");
        if (format != null && format.isInt() && format.intValue() == BATCH_FORMAT) {
            List<Decision> decisions = new ArrayList<>();
            java.util.Set<String> services = new java.util.HashSet<>();
            for (JsonNode node : optionalArray(root, "decisions")) {
                Decision d = fromTree(node, "batch decision");
                if (!services.add(d.service())) throw new DecisionFormatException("batch decides " + d.service() + " twice");
                decisions.add(d);
            }
            List<OperatorAction> actions = new ArrayList<>();
            for (JsonNode node : optionalArray(root, "actions")) actions.add(actionFromTree(node, "action"));
            JsonNode leaderNode = root.get("leader");
            java.util.Optional<LeaderNotice> leader = leaderNode == null ? java.util.Optional.empty()
                    : java.util.Optional.of(leaderFromTree(leaderNode, "leader notice"));
            if (decisions.isEmpty() && actions.isEmpty() && leader.isEmpty()) {
                throw new DecisionFormatException("batch needs a non-empty \"decisions\" array, \"actions\" or a \"leader\"");
            }
            return new LogEntry(leader, actions, decisions);
        }
        checkFormat(root, "log entry");
        return LogEntry.of(List.of(fromTree(root, "decision")));
    }

    private static JsonNode optionalArray(JsonNode root, String field) {
        JsonNode list = root.get(field);
        if (list == null) return JsonNodeFactory.instance.arrayNode();
        if (!list.isArray()) throw new DecisionFormatException("batch: \"" + field + "\" must be an array");
        return list;
    }

    static ObjectNode toTree(OperatorAction a) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("action", a.kind().wireName());
        node.put("service", a.service());
        if (a.instance() != null) node.put("instance", a.instance());
        node.put("force", a.force());
        node.put("by", a.requestedBy());
        node.put("via", a.viaNode());
        node.put("at", a.atEpochMillis());
        node.put("term", a.term());
        node.put("accepted", a.accepted());
        node.put("outcome", a.outcome());
        return node;
    }

    static OperatorAction actionFromTree(JsonNode node, String what) {
        return checked(node, what, () -> {
            OperatorAction.Kind kind = OperatorAction.Kind.fromWireName(text(node, "action", what));
            JsonNode instance = node.get("instance");
            if (instance != null && !instance.isTextual()) throw new DecisionFormatException(what + ": \"instance\" must be a string");
            return new OperatorAction(kind, text(node, "service", what), instance == null ? null : instance.textValue(),
                    bool(node, "force", what), text(node, "by", what), (int) integer(node, "via", what),
                    integer(node, "at", what), integer(node, "term", what), bool(node, "accepted", what),
                    text(node, "outcome", what));
        });
    }

    /** Builds a value from an object node; a record's own check failing becomes a format error naming {@code what}. */
    private static <T> T checked(JsonNode node, String what, java.util.function.Supplier<T> build) {
        if (!node.isObject()) throw new DecisionFormatException(what + " is not a JSON object");
        try {
            return build.get();
        } catch (DecisionFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new DecisionFormatException(what + ": " + e.getMessage(), e);
        }
    }

    static ObjectNode toTree(LeaderNotice l) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("node", l.node());
        node.put("term", l.term());
        node.put("at", l.atEpochMillis());
        return node;
    }

    static LeaderNotice leaderFromTree(JsonNode node, String what) {
        return checked(node, what, () -> new LeaderNotice((int) integer(node, "node", what), integer(node, "term", what),
                integer(node, "at", what)));
    }

    /** A history item in snapshots and the API: {@code {"seq":..,"index":..,"decision"|"action"|"leader":{..}}}. */
    static ObjectNode toTree(HistoryEntry entry) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("seq", entry.seq());
        node.put("index", entry.index());
        HistoryItem item = entry.item();
        if (item instanceof Decision d) node.set("decision", toTree(d));
        else if (item instanceof OperatorAction a) node.set("action", toTree(a));
        else node.set("leader", toTree((LeaderNotice) item));
        return node;
    }

    static HistoryEntry historyFromTree(JsonNode node, String what) {
        if (!node.isObject()) throw new DecisionFormatException(what + " is not a JSON object");
        long seq = integer(node, "seq", what);
        long index = integer(node, "index", what);
        HistoryItem item;
        if (node.has("decision")) item = fromTree(node.get("decision"), what);
        else if (node.has("action")) item = actionFromTree(node.get("action"), what);
        else if (node.has("leader")) item = leaderFromTree(node.get("leader"), what);
        else throw new DecisionFormatException(what + " has no \"decision\", \"action\" or \"leader\"");
        return new HistoryEntry(seq, index, item);
    }

    private static boolean bool(JsonNode node, String field, String what) {
        JsonNode value = required(node, field, what);
        if (!value.isBoolean()) throw new DecisionFormatException(what + ": \"" + field + "\" must be true or false");
        return value.booleanValue();
    }

    /** @throws DecisionFormatException when the bytes are not a decision of a known format */
    public static Decision decode(byte[] bytes) {
        JsonNode root = parse(bytes, "decision");
        checkFormat(root, "decision");
        return fromTree(root, "decision");
    }

    static byte[] write(JsonNode root) {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e); // a tree of plain nodes always writes
        }
    }

    static JsonNode parse(byte[] bytes, String what) {
        if (bytes == null || bytes.length == 0) throw new DecisionFormatException("empty " + what);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new DecisionFormatException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DecisionFormatException(what + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new DecisionFormatException(what + " is not a JSON object");
        return root;
    }

    static void checkFormat(JsonNode root, String what) {
        JsonNode format = root.get("format");
        if (format == null || !format.isInt()) {
            throw new DecisionFormatException(what + " has no integer \"format\" field");
        }
        if (format.intValue() != FORMAT_VERSION) {
            throw new DecisionFormatException(what + " format " + format.intValue() + " is not understood here (this"
                    + " node reads format " + FORMAT_VERSION + "); upgrade this node");
        }
    }

    static ObjectNode toTree(Decision d) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("service", d.service());
        if (d.instance() == null) node.putNull("instance");
        else node.put("instance", d.instance());
        node.put("term", d.term());
        node.put("reason", d.reason());
        node.put("decidedAt", d.decidedAtEpochMillis());
        ObjectNode evidence = node.putObject("evidence");
        d.evidence().forEach((nodeId, byInstance) -> {
            ObjectNode observed = evidence.putObject(Integer.toString(nodeId));
            byInstance.forEach((instance, health) -> observed.put(instance, health.wireName()));
        });
        return node;
    }

    static Decision fromTree(JsonNode node, String what) {
        if (!node.isObject()) throw new DecisionFormatException(what + " is not a JSON object");
        String service = text(node, "service", what);
        JsonNode instanceNode = required(node, "instance", what);
        String instance;
        if (instanceNode.isNull()) instance = null;
        else if (instanceNode.isTextual()) instance = instanceNode.textValue();
        else throw new DecisionFormatException(what + ": \"instance\" must be a string or null");
        long term = integer(node, "term", what);
        String reason = text(node, "reason", what);
        long decidedAt = integer(node, "decidedAt", what);
        JsonNode evidenceNode = required(node, "evidence", what);
        if (!evidenceNode.isObject()) throw new DecisionFormatException(what + ": \"evidence\" must be an object");
        Map<Integer, Map<String, InstanceHealth>> evidence = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : evidenceNode.properties()) {
            int nodeId;
            try {
                nodeId = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                throw new DecisionFormatException(what + ": evidence key \"" + entry.getKey() + "\" is not a node id");
            }
            if (!entry.getValue().isObject()) {
                throw new DecisionFormatException(what + ": evidence of node " + nodeId + " must be an object");
            }
            Map<String, InstanceHealth> observed = new HashMap<>();
            for (Map.Entry<String, JsonNode> o : entry.getValue().properties()) {
                try {
                    if (!o.getValue().isTextual()) throw new IllegalArgumentException("not a string");
                    observed.put(o.getKey(), InstanceHealth.fromWireName(o.getValue().textValue()));
                } catch (IllegalArgumentException e) {
                    throw new DecisionFormatException(what + ": evidence of node " + nodeId + " for " + o.getKey()
                            + ": " + e.getMessage());
                }
            }
            evidence.put(nodeId, observed);
        }
        try {
            return new Decision(service, instance, term, reason, decidedAt, evidence);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new DecisionFormatException(what + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null) throw new DecisionFormatException(what + " has no \"" + field + "\" field");
        return value;
    }

    private static String text(JsonNode node, String field, String what) {
        JsonNode value = required(node, field, what);
        if (!value.isTextual()) throw new DecisionFormatException(what + ": \"" + field + "\" must be a string");
        return value.textValue();
    }

    static long integer(JsonNode node, String field, String what) {
        JsonNode value = required(node, field, what);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new DecisionFormatException(what + ": \"" + field + "\" must be a 64-bit integer");
        }
        return value.longValue();
    }
}
