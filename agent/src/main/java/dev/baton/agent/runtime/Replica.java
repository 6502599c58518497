package dev.baton.agent.runtime;

import dev.baton.agent.decision.Decision;
import dev.baton.agent.decision.DecisionCodec;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.dns.AnswerTable;
import dev.baton.agent.verdict.NodeView;
import dev.baton.election.ElectionListener;
import dev.baton.election.ElectionNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Every node's copy of the committed decisions: applies the decision log in order (the election's callback
 * thread), swaps the DNS answer table after each decision, compacts the log into snapshots, and files the
 * observation reports peers send to this node for when it leads.
 */
final class Replica implements ElectionListener {
    private static final Logger LOG = LoggerFactory.getLogger(Replica.class);
    /** Snapshot the decision state every this many applied entries, so the log stays short. */
    static final int COMPACT_EVERY = 256;

    private final int self;
    private final AnswerTables tables;
    private final ViewBook views;
    private final LongSupplier monotonicMillis;
    private final AtomicReference<AnswerTable> table = new AtomicReference<>();
    /** Per service, when (wall clock, epoch ms) this node applied its current decision: for the status document. */
    private final Map<String, Long> appliedAtMillis = new ConcurrentHashMap<>();
    private volatile DecisionState state = new DecisionState();
    private volatile ElectionNode node;
    private volatile Runnable changed = () -> { };
    private long appliedSinceCompaction;

    Replica(int self, AnswerTables tables, ViewBook views, LongSupplier monotonicMillis) {
        this.self = self;
        this.tables = tables;
        this.views = views;
        this.monotonicMillis = monotonicMillis;
        table.set(tables.build(state.view()));
    }

    void attach(ElectionNode node) {
        this.node = node;
    }

    /** Called after every applied entry, restored snapshot and leadership change (the publishers' cue). */
    void onChange(Runnable changed) {
        this.changed = changed;
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

    @Override
    public void onCommit(long index, long term, byte[] data) {
        Decision decision;
        try {
            decision = DecisionCodec.decode(data);
        } catch (IllegalArgumentException e) {
            // A committed entry we cannot read (written by a newer version?): skip it, keep serving.
            LOG.warn("skipping committed entry {} of term {}: {}", index, term, e.getMessage());
            return;
        }
        DecisionState.ApplyOutcome outcome = state.apply(index, decision);
        // Stamped before the table swap: no DNS answer from the new decision predates its applied_at.
        if (outcome == DecisionState.ApplyOutcome.APPLIED) appliedAtMillis.put(decision.service(), System.currentTimeMillis());
        table.set(tables.build(state.view()));
        LOG.info("decision {} (term {}): {} -> {} [{}] {}", index, decision.term(), decision.service(),
                decision.activeInstance().orElse("none"), outcome, decision.reason());
        changed.run();
        if (++appliedSinceCompaction >= COMPACT_EVERY && node != null) {
            appliedSinceCompaction = 0;
            node.compact(index, state.snapshot());
        }
    }

    @Override
    public void onSnapshot(long index, long term, byte[] data) {
        state = data.length == 0 ? new DecisionState() : DecisionState.restore(data);
        table.set(tables.build(state.view()));
        appliedAtMillis.clear();
        long now = System.currentTimeMillis();
        state.view().decisions().forEach((service, decision) -> appliedAtMillis.put(service, now));
        LOG.info("restored decisions up to index {}", index);
        changed.run();
    }

    @Override
    public void onMessage(int fromId, byte[] data) {
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
        views.put(new NodeView(fromId, monotonicMillis.getAsLong(), report.health()));
    }

    @Override
    public void onGainedLeadership(long term) {
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
        LOG.info("leader is {} (term {})", leaderId == 0 ? "unknown" : "node " + leaderId, term);
        changed.run();
    }
}
