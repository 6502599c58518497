package dev.baton.agent.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.check.InstanceKey;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one node sees of the instances, sent to the leader over the cluster transport when it changes and every
 * {@link Observations#REPORT_INTERVAL_MILLIS}, so the leader can tell a silent node from a node whose view did
 * not change. A <em>full</em> report holds every instance; a <em>delta</em> holds only what changed since the
 * report of the previous {@code seq} (nothing, when nothing did), so traffic and the leader's work grow with
 * changes rather than with the number of instances. Every report also carries the sender's
 * {@link dev.baton.agent.config.ConfigDigest} ({@code "config"}), so the leader can leave out the views of a node
 * whose services differ from its own; a report from a version without it reads as carrying none (not
 * compared). Encoded as a small JSON object:
 * {@code {"v":2,"type":"observations","node":2,"seq":7,"full":false,"config":"9f2c...","health":{"db/a":"down"}}}.
 */
public record ObservationReport(int node, long seq, boolean full, Map<InstanceKey, InstanceHealth> health,
                                Optional<String> configDigest) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2: reports may be deltas (version 1 reports were always full; they are still read). */
    private static final int VERSION = 2;
    /** Reports are small; a bigger payload is not ours. */
    private static final int MAX_BYTES = 1 << 20;

    public ObservationReport {
        health = Map.copyOf(health);
        Objects.requireNonNull(configDigest, "configDigest");
    }

    /** A report without a config digest (as older versions send). */
    public ObservationReport(int node, long seq, boolean full, Map<InstanceKey, InstanceHealth> health) {
        this(node, seq, full, health, Optional.empty());
    }

    public byte[] encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", VERSION);
        root.put("type", "observations");
        root.put("node", node);
        root.put("seq", seq);
        root.put("full", full);
        configDigest.ifPresent(d -> root.put("config", d));
        ObjectNode h = root.putObject("health");
        health.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> h.put(e.getKey().service() + "/" + e.getKey().instance(), e.getValue().name().toLowerCase()));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a report", e);
        }
    }

    /** Decodes a report; throws {@link IllegalArgumentException} naming what is wrong. */
    public static ObservationReport decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > MAX_BYTES) throw new IllegalArgumentException("report of " + bytes.length + " bytes is too large");
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("report is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("report is not a JSON object");
        int version = root.path("v").asInt(-1);
        if (version != VERSION && version != 1) throw new IllegalArgumentException("unknown report version " + root.path("v"));
        boolean full = version == 1 || root.path("full").asBoolean(true);
        if (!"observations".equals(root.path("type").asText())) throw new IllegalArgumentException("not an observation report");
        if (!root.path("node").canConvertToInt() || !root.path("seq").isIntegralNumber()) {
            throw new IllegalArgumentException("report lacks node or seq");
        }
        JsonNode h = root.path("health");
        if (!h.isObject()) throw new IllegalArgumentException("report lacks a health object");
        Map<InstanceKey, InstanceHealth> health = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int slash = e.getKey().indexOf('/');
            if (slash <= 0 || slash == e.getKey().length() - 1) {
                throw new IllegalArgumentException("bad instance key " + e.getKey());
            }
            InstanceHealth state;
            try {
                state = InstanceHealth.valueOf(e.getValue().asText().toUpperCase());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("bad health " + e.getValue() + " for " + e.getKey());
            }
            health.put(new InstanceKey(e.getKey().substring(0, slash), e.getKey().substring(slash + 1)), state);
        }
        JsonNode config = root.path("config");
        if (!config.isMissingNode() && !config.isTextual()) throw new IllegalArgumentException("config digest is not text");
        return new ObservationReport(root.get("node").asInt(), root.get("seq").asLong(), full, health,
                Optional.ofNullable(config.isTextual() ? config.asText() : null));
    }
}
