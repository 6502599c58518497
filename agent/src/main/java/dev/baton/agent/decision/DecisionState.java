package dev.baton.agent.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated state every node builds by applying the committed decision log in order: the current decision
 * of each service, a bounded audit history, and the index of the last applied entry. Same log, same state, on
 * every node.
 *
 * <h2>Fencing</h2>
 * A decision whose term is lower than the term of its service's current decision is not applied: it was made by
 * a deposed leader, and a newer leader has already decided (the term is the fencing token, DESIGN.md "Terms").
 * Such an entry still advances {@link #appliedIndex()}, and is recorded with the reason in
 * {@link View#rejections()}. A decision of an equal term is applied: one leader decides many times.
 *
 * <h2>Threads</h2>
 * {@link #apply} is meant to be called by one thread, the one that delivers committed entries; it is
 * synchronized, so a second caller waits rather than corrupts. Every read goes through an immutable {@link View}
 * published through a volatile field: readers (DNS, API) never block and never see a half-applied entry. Read
 * {@link #view()} once and use it when several values must agree with each other.
 */
public final class DecisionState {
    /** How many applied decisions {@link View#history()} keeps. */
    public static final int HISTORY_LIMIT = 1000;
    /** How many fenced-off decisions {@link View#rejections()} keeps. */
    public static final int REJECTIONS_LIMIT = 100;

    private volatile View view;

    /** An empty state: nothing applied, index 0. */
    public DecisionState() {
        this(View.EMPTY);
    }

    private DecisionState(View view) {
        this.view = view;
    }

    /**
     * Applies the committed log entry at {@code index}.
     *
     * @return {@link ApplyOutcome#ALREADY_APPLIED} when {@code index} is not above {@link #appliedIndex()} (a
     * redelivery, e.g. after a restore; nothing changes), {@link ApplyOutcome#FENCED} when the decision's term is
     * below its service's current term, {@link ApplyOutcome#APPLIED} otherwise
     */
    public synchronized ApplyOutcome apply(long index, Decision decision) {
        return applyBatch(index, List.of(decision)).get(0);
    }

    /**
     * Applies the committed log entry at {@code index}, a batch of decisions (distinct services) made in one
     * pass, atomically: readers see the state before the batch or after all of it, never part of it. Each
     * decision is fenced on its own (a batch of a deposed leader may be refused for one service and not
     * another). Costs one copy of the state per batch, not one per decision.
     *
     * @return each decision's outcome, in order; all {@link ApplyOutcome#ALREADY_APPLIED} for a redelivery
     */
    public synchronized List<ApplyOutcome> applyBatch(long index, List<Decision> batch) {
        Objects.requireNonNull(batch, "batch");
        View current = view;
        if (index <= current.appliedIndex()) {
            return java.util.Collections.nCopies(batch.size(), ApplyOutcome.ALREADY_APPLIED);
        }
        Map<String, Decision> decisions = new TreeMap<>(current.decisions());
        Map<String, Long> indexes = new TreeMap<>(current.indexes());
        List<Decision> history = new ArrayList<>(current.history());
        List<Rejection> rejections = new ArrayList<>(current.rejections());
        List<ApplyOutcome> outcomes = new ArrayList<>(batch.size());
        for (Decision decision : batch) {
            Objects.requireNonNull(decision, "decision");
            Decision previous = decisions.get(decision.service());
            if (previous != null && decision.term() < previous.term()) {
                String why = "term " + decision.term() + " is below term " + previous.term()
                        + " of the current decision for " + decision.service();
                rejections.add(new Rejection(index, decision, why));
                outcomes.add(ApplyOutcome.FENCED);
                continue;
            }
            decisions.put(decision.service(), decision);
            indexes.put(decision.service(), index);
            history.add(decision);
            outcomes.add(ApplyOutcome.APPLIED);
        }
        view = new View(index, decisions, indexes, newest(history, HISTORY_LIMIT), newest(rejections, REJECTIONS_LIMIT));
        return outcomes;
    }

    private static <T> List<T> newest(List<T> list, int limit) {
        return list.size() <= limit ? list : list.subList(list.size() - limit, list.size());
    }

    /** The current state, immutable; never blocks. */
    public View view() {
        return view;
    }

    /** The instance {@code service} publishes; empty when it answers nothing or has no decision yet. */
    public Optional<String> active(String service) {
        return view.active(service);
    }

    /** The current decision of {@code service}, if any. */
    public Optional<Decision> decision(String service) {
        return view.decision(service);
    }

    /** The last {@link #HISTORY_LIMIT} applied decisions, oldest first. */
    public List<Decision> history() {
        return view.history();
    }

    /** The index of the last applied (or fenced) log entry, 0 before any. */
    public long appliedIndex() {
        return view.appliedIndex();
    }

    /** The whole state as JSON bytes, for log compaction and for catching up a lagging node. */
    public byte[] snapshot() {
        return DecisionSnapshots.encode(view);
    }

    /**
     * The state a {@link #snapshot()} was taken of.
     *
     * @throws DecisionFormatException when the bytes are not a snapshot this node understands
     */
    public static DecisionState restore(byte[] snapshot) {
        return new DecisionState(DecisionSnapshots.decode(snapshot));
    }


    /** What {@link #apply} did with an entry. */
    public enum ApplyOutcome {
        APPLIED,
        FENCED,
        ALREADY_APPLIED
    }

    /** A decision that was committed but not applied, because a newer term had already decided. */
    public record Rejection(long index, Decision decision, String reason) {
        public Rejection {
            Objects.requireNonNull(decision, "decision");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * An immutable, consistent state at one applied index.
     *
     * @param appliedIndex the last applied log index, 0 before any
     * @param decisions    service &rarr; its current decision, sorted by service
     * @param indexes      service &rarr; the log index of its current decision (with the decision's term, the
     *                     fencing token a publisher writes)
     * @param history      the last applied decisions, oldest first, at most {@link #HISTORY_LIMIT}
     * @param rejections   the last fenced-off decisions, oldest first, at most {@link #REJECTIONS_LIMIT}
     */
    public record View(long appliedIndex, Map<String, Decision> decisions, Map<String, Long> indexes,
                       List<Decision> history, List<Rejection> rejections) {
        static final View EMPTY = new View(0, Map.of(), Map.of(), List.of(), List.of());

        public View {
            if (appliedIndex < 0) throw new IllegalArgumentException("negative applied index: " + appliedIndex);
            decisions = Collections.unmodifiableMap(new TreeMap<>(decisions));
            indexes = Collections.unmodifiableMap(new TreeMap<>(indexes));
            history = List.copyOf(history);
            rejections = List.copyOf(rejections);
        }

        public Optional<Decision> decision(String service) {
            return Optional.ofNullable(decisions.get(service));
        }

        public Optional<String> active(String service) {
            return decision(service).flatMap(Decision::activeInstance);
        }

        /** The log index of the service's current decision; 0 when it has none. */
        public long index(String service) {
            return indexes.getOrDefault(service, 0L);
        }

        /** The decision the service's current one replaced, when the history still holds it. */
        public Optional<Decision> previous(String service) {
            boolean skippedCurrent = false;
            for (int i = history.size() - 1; i >= 0; i--) {
                Decision d = history.get(i);
                if (!d.service().equals(service)) continue;
                if (skippedCurrent) return Optional.of(d);
                skippedCurrent = true;
            }
            return Optional.empty();
        }
    }

    /** The snapshot format: {@code {"format":1,"appliedIndex":..,"decisions":[..],"history":[..],"rejections":[..]}}. */
    private static final class DecisionSnapshots {
        private static final String WHAT = "decision snapshot";

        static byte[] encode(View view) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("format", DecisionCodec.FORMAT_VERSION);
            root.put("appliedIndex", view.appliedIndex());
            ArrayNode decisions = root.putArray("decisions");
            view.decisions().values().forEach(d -> decisions.add(DecisionCodec.toTree(d)));
            ArrayNode history = root.putArray("history");
            view.history().forEach(d -> history.add(DecisionCodec.toTree(d)));
            ArrayNode rejections = root.putArray("rejections");
            for (Rejection r : view.rejections()) {
                ObjectNode node = rejections.addObject();
                node.put("index", r.index());
                node.put("reason", r.reason());
                node.set("decision", DecisionCodec.toTree(r.decision()));
            }
            ObjectNode indexes = root.putObject("indexes");
            view.indexes().forEach(indexes::put);
            return DecisionCodec.write(root);
        }

        static View decode(byte[] bytes) {
            JsonNode root = DecisionCodec.parse(bytes, WHAT);
            DecisionCodec.checkFormat(root, WHAT);
            long appliedIndex = DecisionCodec.integer(root, "appliedIndex", WHAT);
            if (appliedIndex < 0) throw new DecisionFormatException(WHAT + ": negative appliedIndex " + appliedIndex);
            Map<String, Decision> decisions = new TreeMap<>();
            for (JsonNode node : array(root, "decisions")) {
                Decision d = DecisionCodec.fromTree(node, WHAT + " decision");
                if (decisions.put(d.service(), d) != null) {
                    throw new DecisionFormatException(WHAT + ": two current decisions for " + d.service());
                }
            }
            List<Decision> history = new ArrayList<>();
            for (JsonNode node : array(root, "history")) history.add(DecisionCodec.fromTree(node, WHAT + " history"));
            List<Rejection> rejections = new ArrayList<>();
            for (JsonNode node : array(root, "rejections")) {
                String where = WHAT + " rejection";
                if (!node.isObject()) throw new DecisionFormatException(where + " is not a JSON object");
                JsonNode reason = node.get("reason");
                JsonNode decision = node.get("decision");
                if (reason == null || !reason.isTextual() || decision == null) {
                    throw new DecisionFormatException(where + " needs a string \"reason\" and a \"decision\"");
                }
                rejections.add(new Rejection(DecisionCodec.integer(node, "index", where),
                        DecisionCodec.fromTree(decision, where), reason.textValue()));
            }
            // Snapshots written before indexes were kept have none: the applied index bounds every decision's.
            Map<String, Long> indexes = new TreeMap<>();
            JsonNode indexNode = root.get("indexes");
            for (String service : decisions.keySet()) {
                JsonNode at = indexNode == null ? null : indexNode.get(service);
                long index = at == null ? appliedIndex : DecisionCodec.integer(indexNode, service, WHAT + " indexes");
                if (index < 0 || index > appliedIndex) {
                    throw new DecisionFormatException(WHAT + ": index " + index + " of " + service + " is outside 0.." + appliedIndex);
                }
                indexes.put(service, index);
            }
            // Bounds are this node's, not the writer's: keep the newest entries if the snapshot holds more.
            return new View(appliedIndex, decisions, indexes,
                    history.subList(Math.max(0, history.size() - HISTORY_LIMIT), history.size()),
                    rejections.subList(Math.max(0, rejections.size() - REJECTIONS_LIMIT), rejections.size()));
        }

        private static JsonNode array(JsonNode root, String field) {
            JsonNode value = root.get(field);
            if (value == null || !value.isArray()) {
                throw new DecisionFormatException(WHAT + ": \"" + field + "\" must be an array");
            }
            return value;
        }
    }
}
