package dev.baton.agent.runtime;

import dev.baton.agent.check.InstanceKey;
import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.decision.Decision;
import dev.baton.agent.decision.DecisionCodec;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.select.ActiveInstance;
import dev.baton.agent.select.Overrides;
import dev.baton.agent.select.Selection;
import dev.baton.agent.select.SelectionInput;
import dev.baton.agent.select.Selector;
import dev.baton.agent.verdict.NodeView;
import dev.baton.agent.verdict.QuorumVerdict;
import dev.baton.agent.verdict.Verdict;
import dev.baton.election.ElectionNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The leader's loop: forms the verdict from every node's fresh view, runs each service's selection policy, and
 * appends a decision when the selection changes: every change of one pass in one log entry (a batch). Only acts
 * while {@link ElectionNode#isLeader()} and while its own copy of the decisions is current, and stamps every
 * decision with its term (the fencing token). One decision per service is in flight at a time. Called from the
 * agent's single loop thread.
 */
final class DecisionMaker {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionMaker.class);

    private BatonConfig config;
    private String configDigest;
    private final ElectionNode node;
    private final Replica replica;
    private final ViewBook views;
    private final Observations own;
    private final QuorumVerdict quorum;
    private final LongSupplier monotonicMillis;
    private final Clock wallClock;
    private final long currentWithinNanos;
    private final Map<String, CompletableFuture<Long>> inFlight = new HashMap<>();
    private final Map<InstanceKey, Long> upSince = new HashMap<>();
    private final Map<String, Long> activeSince = new HashMap<>();
    private long term = -1;
    private long leadingSince;

    DecisionMaker(BatonConfig config, ElectionNode node, Replica replica, ViewBook views, Observations own,
                  LongSupplier monotonicMillis, Clock wallClock, long currentWithinNanos) {
        this.config = config;
        this.configDigest = dev.baton.agent.config.ConfigDigest.of(config);
        this.node = node;
        this.replica = replica;
        this.views = views;
        this.own = own;
        this.quorum = new QuorumVerdict(config.cluster().members().size(), Observations.STALE_AFTER_MILLIS);
        this.monotonicMillis = monotonicMillis;
        this.wallClock = wallClock;
        this.currentWithinNanos = currentWithinNanos;
    }

    /**
     * The very first decision of a service waits, for a short grace after this leadership began, while an
     * instance of better priority than the one selected is not up yet: at a cold start checks finish at
     * slightly different times (and the first ones often time out), and picking the backup only to fail back
     * later would move clients twice.
     */
    static final long INITIAL_GRACE_MILLIS = 3_000;

    private boolean awaitingBetter(ServiceConfig service, Selection selection, Map<String, Verdict> verdicts, long now) {
        if (selection.instance().isEmpty() || now - leadingSince >= INITIAL_GRACE_MILLIS) return false;
        int chosen = service.instance(selection.instance().get()).map(InstanceConfig::priority).orElse(Integer.MAX_VALUE);
        for (InstanceConfig instance : service.instances()) {
            // Not up yet, rather than unknown only: at a cold start the first checks often time out.
            if (instance.priority() < chosen
                    && verdicts.get(instance.name()).health() != dev.baton.agent.check.InstanceHealth.UP) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decides from {@code reloaded} from the next pass on (a reload: services, checks, policies may have
     * changed; the cluster's membership has not). Agent loop thread only.
     */
    void reconfigure(BatonConfig reloaded) {
        this.config = reloaded;
        this.configDigest = dev.baton.agent.config.ConfigDigest.of(reloaded);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ServiceConfig s : reloaded.services()) names.add(s.name());
        inFlight.keySet().retainAll(names);
        activeSince.keySet().retainAll(names);
        upSince.keySet().removeIf(k -> reloaded.service(k.service()).flatMap(s -> s.instance(k.instance())).isEmpty());
    }

    void run() {
        long leading = node.leadingTerm();
        if (leading < 0) {
            if (term != -1) {
                inFlight.clear();
                upSince.clear();
                activeSince.clear();
                term = -1;
            }
            return;
        }
        if (leading != term) {
            // A new leadership: what we knew of "continuously up" came from another vantage of time.
            term = leading;
            leadingSince = monotonicMillis.getAsLong();
            upSince.clear();
            activeSince.clear();
            inFlight.clear();
        }
        // Decide only from a current copy of the decisions: a new leader first delivers all it recovered.
        if (!node.isCurrent(currentWithinNanos) || !node.hasDeliveredAllKnown()) return;
        long now = monotonicMillis.getAsLong();
        int self = config.cluster().node();
        // A node whose services differ from ours counts as not reporting (ConfigAgreement).
        List<NodeView> all = new ConfigAgreement(configDigest, views.configDigests())
                .agreeing(views.with(new NodeView(self, now, own.snapshot())));
        DecisionState.View state = replica.view();
        List<Decision> batch = new ArrayList<>();
        for (ServiceConfig service : config.services()) {
            Map<String, Verdict> verdicts = quorum.verdicts(service, self, all, now);
            Map<String, Long> since = new HashMap<>();
            for (InstanceConfig instance : service.instances()) {
                InstanceKey key = new InstanceKey(service.name(), instance.name());
                if (verdicts.get(instance.name()).health() == dev.baton.agent.check.InstanceHealth.UP) {
                    since.put(instance.name(), upSince.computeIfAbsent(key, k -> now));
                } else {
                    upSince.remove(key);
                }
            }
            CompletableFuture<Long> pending = inFlight.get(service.name());
            if (pending != null && !pending.isDone()) continue;
            Optional<String> current = state.active(service.name());
            Optional<ActiveInstance> active = current.map(
                    name -> new ActiveInstance(name, activeSince.computeIfAbsent(service.name(), s -> now)));
            Selection selection = Selector.select(new SelectionInput(service, active, verdicts, since,
                    Overrides.NONE, now));
            if (!selection.changed()) continue;
            if (active.isEmpty() && awaitingBetter(service, selection, verdicts, now)) continue;
            Decision decision = new Decision(service.name(), selection.instance().orElse(null), term,
                    selection.reason(), wallClock.millis(), quorum.evidence(service.name(), self, all, now));
            LOG.info("deciding {} -> {} (term {}): {}", service.name(), selection.instance().orElse("none"), term,
                    selection.reason());
            activeSince.remove(service.name());
            batch.add(decision);
        }
        if (batch.isEmpty()) return;
        // Every change of this pass in one entry: one commit, one apply, one table swap on every node, however
        // many services a mass failure moves at once.
        CompletableFuture<Long> committed = node.append(DecisionCodec.encodeBatch(batch)).whenComplete((index, error) -> {
            if (error != null) LOG.warn("{} decision{} not committed: {}", batch.size(), batch.size() == 1 ? "" : "s",
                    error.getMessage());
        });
        for (Decision d : batch) inFlight.put(d.service(), committed);
    }
}
