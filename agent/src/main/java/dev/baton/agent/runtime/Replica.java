package dev.baton.agent.runtime;

import dev.baton.agent.decision.Decision;
import dev.baton.agent.decision.DecisionCodec;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.decision.HistoryEntry;
import dev.baton.agent.decision.LogEntry;
import dev.baton.agent.dns.AnswerTable;
import dev.baton.agent.verdict.NodeView;
import dev.baton.election.ElectionListener;
import dev.baton.election.ElectionNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Every node's copy of the committed decisions: applies the decision log in order (the election's callback
 * thread), swaps the DNS answer table after each decision, compacts the log into snapshots, and tells the event
 * stream of every history item it applies and every leader change. As the election's {@link
 * dev.baton.election.LogInspector} it notes, on the protocol thread, which services each arriving entry decides
 * (per-service currentness). On a thread of its own it files the observation reports peers send to this node
 * for when it leads, and hands operator-action messages to the {@link ActionDesk}.
 */
final class Replica implements ElectionListener {
    private static final Logger LOG = LoggerFactory.getLogger(Replica.class);
    /** Snapshot the decision state every this many applied entries, so the log stays short. */
    static final int COMPACT_EVERY = 256;

    private final int self;
    /** Replaced by a reload; every use and the swap hold {@link #tableLock}, so no answer mixes two configs. */
    private AnswerTables tables;
    private final Object tableLock = new Object();
    private final ViewBook views;
    private final LongSupplier monotonicMillis;
    private final AtomicReference<AnswerTable> table = new AtomicReference<>();
    /** Per service, when (wall clock, epoch ms) this node applied its current decision: for the status document. */
    private final Map<String, Long> appliedAtMillis = new ConcurrentHashMap<>();
    private final int historyKeep;
    private volatile DecisionState state;
    private volatile ActionDesk desk;
    private volatile java.util.function.BiConsumer<String, Object> events = (type, data) -> { };
    /** Futures of {@link #whenApplied}, by the index they wait for. */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, List<java.util.concurrent.CompletableFuture<Void>>>
            waiting = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile ElectionNode node;
    private volatile Runnable changed = () -> { };
    /** Which services the entries in this node's log but not yet applied touch: for per-service currentness. */
    private final PendingEntries pending = new PendingEntries();
    /**
     * Entries decoded when they reached the log (protocol thread), for their commit (callback thread). An entry
     * replaced at the same index before it committed is decoded again when it arrives; the term tells a stale one.
     */
    private final java.util.concurrent.ConcurrentNavigableMap<Long, Decoded> decoded =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile Consumer<ChangeNotice> notices = n -> { };
    private long appliedSinceCompaction;
    /** Per service, decisions applied by this node since it started (restored snapshots not counted): metrics. */
    private final Map<String, LongAdder> decisionsApplied = new ConcurrentHashMap<>();
    private final LongAdder leaderChanges = new LongAdder();
    private final LongAdder leadershipsGained = new LongAdder();
    /**
     * Peer messages (observation reports, change notices, operator actions) are handled on this thread, in
     * arrival order, off the election's callback thread: at a mass failure they arrive by the hundred, and queued
     * ahead of a commit they held back its apply past the heartbeat's grace, so every service the entry decides
     * answered SERVFAIL meanwhile. Bounded: a flood beyond it drops messages (reports are resent in full
     * periodically, notices only hasten checks, a forwarded action times out and is retried by the operator).
     */
    private final java.util.concurrent.ThreadPoolExecutor peerMessages;
    private final LongAdder peerMessagesDropped = new LongAdder();
    static final int PEER_MESSAGE_QUEUE = 65_536;

    Replica(int self, AnswerTables tables, ViewBook views, LongSupplier monotonicMillis, int historyKeep) {
        this.self = self;
        this.historyKeep = historyKeep;
        this.state = new DecisionState(historyKeep);
        this.tables = tables;
        this.views = views;
        this.monotonicMillis = monotonicMillis;
        table.set(tables.build(state.view()));
        this.peerMessages = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(PEER_MESSAGE_QUEUE), r -> {
                    Thread t = new Thread(r, "baton-peer-messages-" + self);
                    t.setDaemon(true);
                    return t;
                }, (r, executor) -> {
                    if (!executor.isShutdown()) dropPeerMessage();
                });
    }

    private void dropPeerMessage() {
        peerMessagesDropped.increment();
        long dropped = peerMessagesDropped.sum();
        if (Long.bitCount(dropped) == 1) { // 1, 2, 4, 8...: visible, but cannot fill the disk
            LOG.warn("dropped peer messages: {} so far (more than {} waiting to be handled)", dropped,
                    PEER_MESSAGE_QUEUE);
        }
    }

    /** Stops handling peer messages (after the election node has stopped delivering them). */
    void close() {
        peerMessages.shutdownNow();
    }

    /**
     * Answers from {@code reloaded} from now on (a reload: services, their instances, the zone's settings or TTL
     * changed): rebuilds the whole table from the applied decisions and swaps it in. Any thread; waits for an
     * apply in progress.
     */
    void retable(AnswerTables reloaded) {
        synchronized (tableLock) {
            tables = reloaded;
            table.set(tables.build(state.view()));
        }
        changed.run();
    }

    void attach(ElectionNode node) {
        this.node = node;
    }

    /** Where operator-action messages from peers go. */
    void actions(ActionDesk desk) {
        this.desk = desk;
    }

    /**
     * Called with {@code ("history", item)} for every history item an applied entry adds and
     * {@code ("leader", {leader, term})} on every local leader change, on the callback thread; must not block.
     */
    void onEvent(java.util.function.BiConsumer<String, Object> events) {
        this.events = events;
    }

    /** Completes once this node has applied index {@code index} (at once if it has). Any thread. */
    java.util.concurrent.CompletableFuture<Void> whenApplied(long index) {
        java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
        if (state.view().appliedIndex() >= index) {
            f.complete(null);
            return f;
        }
        waiting.computeIfAbsent(index, i -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(f);
        if (state.view().appliedIndex() >= index) releaseWaiting(); // applied meanwhile
        return f;
    }

    private void releaseWaiting() {
        long applied = state.view().appliedIndex();
        var done = waiting.headMap(applied, true);
        done.values().forEach(list -> list.forEach(f -> f.complete(null)));
        done.clear();
    }

    /** Called after every applied entry, restored snapshot and leadership change (the publishers' cue). */
    void onChange(Runnable changed) {
        this.changed = changed;
    }

    /** Called with every change notice a peer sends (on the peer-message thread: must return quickly). */
    void onNotice(Consumer<ChangeNotice> notices) {
        this.notices = notices;
    }

    DecisionState.View view() {
        return state.view();
    }

    AnswerTable table() {
        return table.get();
    }

    /** When this node applied the service's current decision (restored from a snapshot counts as applied). */
    Optional<Instant> appliedAt(String service) {
        return Optional.ofNullable(appliedAtMillis.get(service)).map(Instant::ofEpochMilli);
    }

    /** Decisions for {@code service} this node has applied since it started (snapshots it restored excluded). */
    long decisionsApplied(String service) {
        LongAdder n = decisionsApplied.get(service);
        return n == null ? 0 : n.sum();
    }

    /** How many times the leader this node follows changed since it started (to none included). */
    long leaderChanges() {
        return leaderChanges.sum();
    }

    /** How many times this node won an election and took the lead since it started. */
    long leadershipsGained() {
        return leadershipsGained.sum();
    }

    private record Decoded(long term, LogEntry entry) {
    }

    /**
     * The election's {@link dev.baton.election.LogInspector}, on its protocol thread: notes which services an
     * entry decides before this node can learn it is committed, so a backlog on the callback thread holds back
     * only those services' answers ({@link #isCurrent}). A JSON decode, once per entry; the commit reuses it.
     */
    void inspect(long index, long term, byte[] data) {
        LogEntry entry;
        try {
            entry = DecisionCodec.decodeLogEntry(data);
        } catch (IllegalArgumentException e) {
            entry = null; // unreadable: it touches every service, as far as currentness knows
        }
        // Only decisions change answers; actions and leader notices touch no service's answer.
        pending.appended(index, entry == null ? null : entry.decisions());
        if (entry != null) decoded.put(index, new Decoded(term, entry));
        else decoded.remove(index);
    }

    @Override
    public void onCommit(long index, long term, byte[] data) {
        Decoded seen = decoded.remove(index);
        decoded.headMap(index).clear(); // replaced entries that never committed
        LogEntry entry = seen != null && seen.term() == term ? seen.entry() : null;
        try {
            if (entry == null) entry = DecisionCodec.decodeLogEntry(data);
        } catch (IllegalArgumentException e) {
            // A committed entry we cannot read (written by a newer version?): skip it, keep serving.
            LOG.warn("skipping committed entry {} of term {}: {}", index, term, e.getMessage());
            pending.applied(index);
            return;
        }
        List<Decision> batch = entry.decisions();
        List<DecisionState.ApplyOutcome> outcomes = state.applyEntry(index, entry);
        // Stamped before the table swap: no DNS answer from the new decision predates its applied_at.
        long now = System.currentTimeMillis();
        List<String> changedServices = new java.util.ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes.get(i) != DecisionState.ApplyOutcome.APPLIED) continue;
            appliedAtMillis.put(batch.get(i).service(), now);
            decisionsApplied.computeIfAbsent(batch.get(i).service(), k -> new LongAdder())
                    .increment();
            changedServices.add(batch.get(i).service());
        }
        synchronized (tableLock) {
            table.set(tables.update(table.get(), state.view(), changedServices));
        }
        pending.applied(index);
        for (int i = 0; i < batch.size(); i++) {
            Decision decision = batch.get(i);
            LOG.info("decision {} (term {}): {} -> {} [{}] {}", index, decision.term(), decision.service(),
                    decision.activeInstance().orElse("none"), outcomes.get(i), decision.reason());
        }
        releaseWaiting();
        List<HistoryEntry> history = state.view().history();
        int first = history.size();
        while (first > 0 && history.get(first - 1).index() == index) first--;
        for (HistoryEntry item : history.subList(first, history.size())) events.accept("history", item);
        changed.run();
        if (++appliedSinceCompaction >= COMPACT_EVERY && node != null) {
            appliedSinceCompaction = 0;
            node.compact(index, state.snapshot());
        }
    }

    /**
     * Whether this node may answer for {@code service} now: it is current as a whole, or it is in fresh
     * contact with a majority and no committed entry it has yet to apply touches the service (it holds every
     * such entry and has looked into each), or the first that does was learned committed less than a heartbeat
     * ago while this node was current (the whole-node rule's grace, per service). As strict as {@link ElectionNode#isCurrent} for that service's
     * answers, so being behind on one service never blanks the others. {@code service} null: the zone as a
     * whole. Any thread; never blocks.
     */
    boolean isCurrent(String service, long withinNanos) {
        ElectionNode n = node;
        if (n == null) return false;
        if (n.isCurrent(withinNanos)) return true;
        if (service == null || !n.hasFreshMajorityContact(withinNanos)) return false;
        long known = n.highestKnownCommit();
        // The table is swapped before the callback returns (and the election counts it delivered).
        long delivered = Math.max(n.deliveredIndex(), state.view().appliedIndex());
        if (known > n.appendedThrough()) return false; // committed entries this node has not seen
        long first = pending.firstTouching(service, delivered, known);
        // Behind on this service: as the whole-node rule, a node current a moment ago keeps answering for a
        // heartbeat while it applies an entry it has just learned is committed (never one it learned while cut off).
        return first < 0 || n.learnedCommitRecently(first, n.config().timings().heartbeatNanos());
    }

    @Override
    public void onSnapshot(long index, long term, byte[] data) {
        state = data.length == 0 ? new DecisionState(historyKeep) : DecisionState.restore(data, historyKeep);
        releaseWaiting();
        pending.applied(index);
        synchronized (tableLock) {
            table.set(tables.build(state.view()));
        }
        appliedAtMillis.clear();
        long now = System.currentTimeMillis();
        state.view().decisions().forEach((service, decision) -> appliedAtMillis.put(service, now));
        LOG.info("restored decisions up to index {}", index);
        changed.run();
    }

    @Override
    public void onMessage(int fromId, byte[] data) {
        peerMessages.execute(() -> handleMessage(fromId, data));
    }

    private void handleMessage(int fromId, byte[] data) {
        if (ActionMessages.isAction(data)) {
            onActionMessage(fromId, data);
            return;
        }
        if (ChangeNotice.isNotice(data)) {
            fileNotice(fromId, data);
            return;
        }
        ObservationReport report;
        try {
            report = ObservationReport.decode(data);
        } catch (IllegalArgumentException e) {
            LOG.warn("dropped a bad observation report from node {}: {}", fromId, e.getMessage());
            return;
        }
        if (report.node() != fromId) {
            LOG.warn("dropped a report from node {} that claims to be from node {}", fromId, report.node());
            return;
        }
        views.file(report, monotonicMillis.getAsLong());
    }

    private void onActionMessage(int fromId, byte[] data) {
        ActionDesk d = desk;
        if (d == null) return;
        try {
            ActionMessages.Message m = ActionMessages.decode(data);
            if (m instanceof ActionMessages.Request r) d.onForwarded(fromId, r.id(), r.request());
            else if (m instanceof ActionMessages.Reply r) d.onReply(r.id(), r.result());
        } catch (IllegalArgumentException e) {
            LOG.warn("dropped a bad action message from node {}: {}", fromId, e.getMessage());
        }
    }

    private void fileNotice(int fromId, byte[] data) {
        try {
            ChangeNotice notice = ChangeNotice.decode(data);
            if (notice.node() == fromId) notices.accept(notice);
            else LOG.warn("dropped a change notice from node {} that claims to be from node {}", fromId, notice.node());
        } catch (IllegalArgumentException e) {
            LOG.warn("dropped a bad change notice from node {}: {}", fromId, e.getMessage());
        }
    }

    @Override
    public void onGainedLeadership(long term) {
        leadershipsGained.increment();
        LOG.info("node {} leads (term {})", self, term);
        changed.run();
    }

    @Override
    public void onLostLeadership(long term) {
        LOG.info("node {} no longer leads (term {})", self, term);
        changed.run();
    }

    @Override
    public void onLeaderChanged(int leaderId, long term) {
        leaderChanges.increment();
        LOG.info("leader is {} (term {})", leaderId == 0 ? "unknown" : "node " + leaderId, term);
        events.accept("leader", Map.of("leader", leaderId, "term", term));
        changed.run();
    }
}
