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
 * of each service, the operator's overrides of each service, the last leader notice, a bounded audit history of
 * decisions, operator actions and leader changes, and the index of the last applied entry. Same log, same
 * state, on every node; all of it is in the snapshot, so it survives compaction and restarts.
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
    /** How many items {@link View#history()} keeps unless told otherwise ({@code history.keep}). */
    public static final int DEFAULT_HISTORY_KEEP = 10_000;
    /** How many fenced-off decisions {@link View#rejections()} keeps. */
    public static final int REJECTIONS_LIMIT = 100;

    private final int historyKeep;
    private volatile View view;

    /** An empty state: nothing applied, index 0, {@link #DEFAULT_HISTORY_KEEP} history items kept. */
    public DecisionState() {
        this(DEFAULT_HISTORY_KEEP);
    }

    /** An empty state keeping the newest {@code historyKeep} (at least 1) history items. */
    public DecisionState(int historyKeep) {
        this(View.EMPTY, historyKeep);
    }

    private DecisionState(View view, int historyKeep) {
        if (historyKeep < 1) throw new IllegalArgumentException("history keep must be at least 1: " + historyKeep);
        this.view = view;
        this.historyKeep = historyKeep;
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
        return applyEntry(index, LogEntry.of(batch));
    }

    /**
     * Applies the committed log entry at {@code index} atomically: its leader notice, then its operator actions
     * (an accepted one changes its service's {@link ServiceOverrides}; each is recorded in the history, refused
     * or not), then its decisions, each fenced as in {@link #applyBatch}. A decision that moves a service away
     * from the instance an operator switched to ends that switch ({@link ServiceOverrides#switchedTo()}).
     *
     * @return each decision's outcome, in order; all {@link ApplyOutcome#ALREADY_APPLIED} for a redelivery
     */
    public synchronized List<ApplyOutcome> applyEntry(long index, LogEntry entry) {
        Objects.requireNonNull(entry, "entry");
        List<Decision> batch = entry.decisions();
        View current = view;
        if (index <= current.appliedIndex()) {
            return java.util.Collections.nCopies(batch.size(), ApplyOutcome.ALREADY_APPLIED);
        }
        Map<String, Decision> decisions = new TreeMap<>(current.decisions());
        Map<String, Long> indexes = new TreeMap<>(current.indexes());
        Map<String, ServiceOverrides> overrides = new TreeMap<>(current.overrides());
        List<HistoryEntry> history = new ArrayList<>(current.history());
        long[] seq = {current.lastSeq()};
        java.util.function.Consumer<HistoryItem> record = item -> history.add(new HistoryEntry(++seq[0], index, item));
        List<Rejection> rejections = new ArrayList<>(current.rejections());
        Optional<LeaderNotice> leader = current.leader();
        if (entry.leader().isPresent()) {
            leader = entry.leader();
            record.accept(entry.leader().get());
        }
        for (OperatorAction action : entry.actions()) {
            record.accept(action);
            if (!action.accepted()) continue;
            ServiceOverrides before = overrides.getOrDefault(action.service(), ServiceOverrides.NONE);
            ServiceOverrides after = before.after(action.kind(), action.instance());
            putOrRemove(overrides, action.service(), after);
        }
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
            record.accept(decision);
            ServiceOverrides o = overrides.get(decision.service());
            if (o != null && o.switchedTo().isPresent() && !o.switchedTo().get().equals(decision.instance())) {
                putOrRemove(overrides, decision.service(), o.withoutSwitch());
            }
            outcomes.add(ApplyOutcome.APPLIED);
        }
        view = new View(index, decisions, indexes, newest(history, historyKeep), newest(rejections, REJECTIONS_LIMIT),
                overrides, leader);
        return outcomes;
    }

    private static void putOrRemove(Map<String, ServiceOverrides> overrides, String service, ServiceOverrides o) {
        if (o.isNone()) overrides.remove(service); else overrides.put(service, o);
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

    /** The newest history items (at most {@code historyKeep}), oldest first. */
    public List<HistoryEntry> history() {
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
        return restore(snapshot, DEFAULT_HISTORY_KEEP);
    }

    /** As {@link #restore(byte[])}, keeping the newest {@code historyKeep} history items from now on. */
    public static DecisionState restore(byte[] snapshot, int historyKeep) {
        View v = DecisionSnapshots.decode(snapshot);
        // Bounds are this node's, not the writer's: keep the newest items if the snapshot holds more.
        v = new View(v.appliedIndex(), v.decisions(), v.indexes(), newest(v.history(), historyKeep), v.rejections(),
                v.overrides(), v.leader());
        return new DecisionState(v, historyKeep);
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
     * @param history      the newest applied decisions, operator actions and leader notices, oldest first
     * @param rejections   the last fenced-off decisions, oldest first, at most {@link #REJECTIONS_LIMIT}
     * @param overrides    service &rarr; its operator overrides, for services that have any
     * @param leader       the newest leader notice applied
     */
    public record View(long appliedIndex, Map<String, Decision> decisions, Map<String, Long> indexes,
                       List<HistoryEntry> history, List<Rejection> rejections, Map<String, ServiceOverrides> overrides,
                       Optional<LeaderNotice> leader) {
        static final View EMPTY = new View(0, Map.of(), Map.of(), List.of(), List.of(), Map.of(), Optional.empty());

        public View {
            if (appliedIndex < 0) throw new IllegalArgumentException("negative applied index: " + appliedIndex);
            decisions = Collections.unmodifiableMap(new TreeMap<>(decisions));
            indexes = Collections.unmodifiableMap(new TreeMap<>(indexes));
            history = List.copyOf(history);
            rejections = List.copyOf(rejections);
            overrides = Collections.unmodifiableMap(new TreeMap<>(overrides));
            Objects.requireNonNull(leader, "leader");
        }

        /** The operator's overrides of {@code service}; {@link ServiceOverrides#NONE} when it has none. */
        public ServiceOverrides overrides(String service) {
            return overrides.getOrDefault(service, ServiceOverrides.NONE);
        }

        /** The applied decisions the history still holds, oldest first. */
        public List<Decision> decisionHistory() {
            List<Decision> out = new ArrayList<>();
            for (HistoryEntry e : history) if (e.item() instanceof Decision d) out.add(d);
            return out;
        }

        /** The seq of the newest history item; 0 before any. */
        public long lastSeq() {
            return history.isEmpty() ? 0 : history.get(history.size() - 1).seq();
        }

        /**
         * A page of the history, newest first: items of {@code service} (null: all) with a seq below
         * {@code beforeSeq} (0 or less: from the newest), at most {@code limit}.
         */
        public List<HistoryEntry> historyPage(String service, long beforeSeq, int limit) {
            List<HistoryEntry> page = new ArrayList<>();
            for (int i = history.size() - 1; i >= 0 && page.size() < limit; i--) {
                HistoryEntry e = history.get(i);
                if (beforeSeq > 0 && e.seq() >= beforeSeq) continue;
                if (service != null && !e.item().serviceName().map(service::equals).orElse(false)) continue;
                page.add(e);
            }
            return page;
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
                if (!(history.get(i).item() instanceof Decision d) || !d.service().equals(service)) continue;
                if (skippedCurrent) return Optional.of(d);
                skippedCurrent = true;
            }
            return Optional.empty();
        }
    }

    /**
     * The snapshot format 2: {@code {"format":2,"appliedIndex":..,"decisions":[..],"history":[..],"rejections":[..],
     * "indexes":{..},"overrides":{..},"leader":{..}}}, history items as in {@link DecisionCodec#toTree(HistoryEntry)}.
     * Format 1 (history of decisions only, no overrides) is still read.
     */
    private static final class DecisionSnapshots {
        private static final String WHAT = "decision snapshot";
        private static final int SNAPSHOT_FORMAT = 2;

        static byte[] encode(View view) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("format", SNAPSHOT_FORMAT);
            root.put("appliedIndex", view.appliedIndex());
            ArrayNode decisions = root.putArray("decisions");
            view.decisions().values().forEach(d -> decisions.add(DecisionCodec.toTree(d)));
            ArrayNode history = root.putArray("history");
            view.history().forEach(e -> history.add(DecisionCodec.toTree(e)));
            ArrayNode rejections = root.putArray("rejections");
            for (Rejection r : view.rejections()) {
                ObjectNode node = rejections.addObject();
                node.put("index", r.index());
                node.put("reason", r.reason());
                node.set("decision", DecisionCodec.toTree(r.decision()));
            }
            ObjectNode indexes = root.putObject("indexes");
            view.indexes().forEach(indexes::put);
            ObjectNode overrides = root.putObject("overrides");
            view.overrides().forEach((service, o) -> {
                ObjectNode node = overrides.putObject(service);
                ArrayNode drained = node.putArray("drained");
                o.drained().forEach(drained::add);
                o.pinned().ifPresent(p -> node.put("pinned", p));
                o.switchedTo().ifPresent(p -> node.put("switched_to", p));
            });
            view.leader().ifPresent(l -> root.set("leader", DecisionCodec.toTree(l)));
            return DecisionCodec.write(root);
        }

        static View decode(byte[] bytes) {
            JsonNode root = DecisionCodec.parse(bytes, WHAT);
            JsonNode format = root.get("format");
            boolean v2 = format != null && format.isInt() && format.intValue() == SNAPSHOT_FORMAT;
            if (!v2) DecisionCodec.checkFormat(root, WHAT);
            long appliedIndex = DecisionCodec.integer(root, "appliedIndex", WHAT);
            if (appliedIndex < 0) throw new DecisionFormatException(WHAT + ": negative appliedIndex " + appliedIndex);
            Map<String, Decision> decisions = new TreeMap<>();
            for (JsonNode node : array(root, "decisions")) {
                Decision d = DecisionCodec.fromTree(node, WHAT + " decision");
                if (decisions.put(d.service(), d) != null) {
                    throw new DecisionFormatException(WHAT + ": two current decisions for " + d.service());
                }
            }
            List<HistoryEntry> history = new ArrayList<>();
            for (JsonNode node : array(root, "history")) {
                history.add(v2 ? DecisionCodec.historyFromTree(node, WHAT + " history")
                        : new HistoryEntry(history.size() + 1, 0, DecisionCodec.fromTree(node, WHAT + " history")));
            }
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
            Map<String, ServiceOverrides> overrides = new TreeMap<>();
            JsonNode overridesNode = root.get("overrides");
            if (overridesNode != null) {
                if (!overridesNode.isObject()) throw new DecisionFormatException(WHAT + ": \"overrides\" must be an object");
                for (Map.Entry<String, JsonNode> e : overridesNode.properties()) {
                    overrides.put(e.getKey(), overridesFromTree(e.getValue(), WHAT + " overrides of " + e.getKey()));
                }
            }
            JsonNode leaderNode = root.get("leader");
            Optional<LeaderNotice> leader = leaderNode == null ? Optional.empty()
                    : Optional.of(DecisionCodec.leaderFromTree(leaderNode, WHAT + " leader"));
            return new View(appliedIndex, decisions, indexes, history,
                    rejections.subList(Math.max(0, rejections.size() - REJECTIONS_LIMIT), rejections.size()),
                    overrides, leader);
        }

        private static ServiceOverrides overridesFromTree(JsonNode node, String what) {
            if (!node.isObject()) throw new DecisionFormatException(what + " is not a JSON object");
            java.util.TreeSet<String> drained = new java.util.TreeSet<>();
            JsonNode list = node.get("drained");
            if (list != null) {
                if (!list.isArray()) throw new DecisionFormatException(what + ": \"drained\" must be an array");
                for (JsonNode n : list) {
                    if (!n.isTextual()) throw new DecisionFormatException(what + ": drained names must be strings");
                    drained.add(n.textValue());
                }
            }
            return new ServiceOverrides(drained, optionalText(node, "pinned", what), optionalText(node, "switched_to", what));
        }

        private static Optional<String> optionalText(JsonNode node, String field, String what) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) return Optional.empty();
            if (!value.isTextual()) throw new DecisionFormatException(what + ": \"" + field + "\" must be a string");
            return Optional.of(value.textValue());
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
