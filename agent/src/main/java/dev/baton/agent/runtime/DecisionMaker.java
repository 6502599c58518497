package dev.baton.agent.runtime;

import dev.baton.agent.check.InstanceKey;
import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.decision.Decision;
import dev.baton.agent.decision.DecisionCodec;
import dev.baton.agent.decision.DecisionState;
import dev.baton.agent.decision.LeaderNotice;
import dev.baton.agent.decision.LogEntry;
import dev.baton.agent.decision.OperatorAction;
import dev.baton.agent.api.ActionResult;
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
 *
 * <p>It also judges the operator actions queued on the {@link ActionDesk} ({@link ActionJudge}'s rules), at most
 * one per service per pass and none for a service with a decision in flight: an action and the decision it
 * causes go into the pass's entry together, and the caller hears the outcome once the entry is committed and
 * applied here. A new leadership's first entry carries a {@link LeaderNotice}, so leader changes are in the
 * replicated history.
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
    private final ActionDesk desk;
    private long term = -1;
    private long leadingSince;
    private boolean noticeDue;
    /**
     * A full pass (every service) runs when the leadership, the applied state, the set of fresh views or the
     * queued actions change, and at least this often, for the rules that act on time alone (a failback delay,
     * the initial grace). Otherwise a pass looks only at the services whose instances some view reports
     * differently since the last pass: every pass over a thousand services, every {@link AgentNode#LOOP_MILLIS},
     * cost the leader a sixth of a core at rest, and one per change made startup quadratic (issue 8).
     */
    static final long FULL_PASS_MILLIS = 250;

    /**
     * The last entry appended, and when: the next waits until it is committed (or this long), so the changes that
     * arrive meanwhile share one entry. Without it, cheap passes turned a mass failure's reports into one entry
     * per report (35 entries for 1,000 services instead of 7), each one more apply on every node.
     */
    private CompletableFuture<Long> lastAppend;
    private long lastAppendMillis;
    static final long APPEND_WAIT_MILLIS = 1_000;

    /** What the last pass read: the leadership and the state applied, the views, which of them were fresh. */
    private long lastTerm = -1;
    private long lastApplied = -1;
    private Map<Integer, NodeView> lastViews = Map.of();
    private List<Integer> lastFresh = List.of();
    private long lastFullPassMillis;
    /** This node's own view as of {@link #ownVersion}: copied again only when it has changed. */
    private Map<InstanceKey, dev.baton.agent.check.InstanceHealth> ownSnapshot = Map.of();
    private long ownVersion = -1;

    DecisionMaker(BatonConfig config, ElectionNode node, Replica replica, ViewBook views, Observations own,
                  LongSupplier monotonicMillis, Clock wallClock, long currentWithinNanos, ActionDesk desk) {
        this.desk = desk;
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
            desk.refuseAll("node " + config.cluster().node() + " no longer leads; try again");
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
            noticeDue = true;
            lastAppend = null;
        }
        // Decide only from a current copy of the decisions: a new leader first delivers all it recovered.
        if (!node.isCurrent(currentWithinNanos) || !node.hasDeliveredAllKnown()) return;
        long now = monotonicMillis.getAsLong();
        if (lastAppend != null && !lastAppend.isDone() && now - lastAppendMillis < APPEND_WAIT_MILLIS) return;
        DecisionState.View state = replica.view();
        int self = config.cluster().node();
        long version = own.version(); // before the copy: a change after it is copied by the next pass
        if (version != ownVersion) {
            ownSnapshot = own.snapshot();
            ownVersion = version;
        }
        // A node whose services differ from ours counts as not reporting (ConfigAgreement).
        List<NodeView> all = new ConfigAgreement(configDigest, views.configDigests())
                .agreeing(views.with(new NodeView(self, now, ownSnapshot)));
        List<Integer> fresh = quorum.freshNodes(self, all, now);
        boolean full = term != lastTerm || state.appliedIndex() != lastApplied || !fresh.equals(lastFresh)
                || noticeDue || desk.hasPending() || now - lastFullPassMillis >= FULL_PASS_MILLIS;
        java.util.Set<String> touched = full ? java.util.Set.of() : changedServices(all);
        lastTerm = term;
        lastApplied = state.appliedIndex();
        lastFresh = fresh;
        lastViews = new HashMap<>();
        for (NodeView v : all) lastViews.put(v.nodeId(), v);
        if (full) {
            lastFullPassMillis = now;
        } else if (touched.isEmpty()) {
            return;
        }
        QuorumVerdict.Evidence[] evidence = new QuorumVerdict.Evidence[1]; // built by the pass's first decision
        Map<String, ActionDesk.Pending> actions = actionsToJudge(state);
        List<Decision> batch = new ArrayList<>();
        List<OperatorAction> judged = new ArrayList<>();
        List<ActionDesk.Pending> replies = new ArrayList<>();
        for (ServiceConfig service : config.services()) {
            if (!full && !touched.contains(service.name())) continue;
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
            if (inFlight(inFlight.get(service.name()), state)) continue;
            Optional<String> current = state.active(service.name());
            Optional<ActiveInstance> active = current.map(
                    name -> new ActiveInstance(name, activeSince.computeIfAbsent(service.name(), s -> now)));
            ActionDesk.Pending action = actions.remove(service.name());
            Optional<Decision> decision;
            if (action != null) {
                decision = judge(action, service, current, active, verdicts, since, state, evidence(evidence, all, now), now,
                        judged, replies);
            } else {
                Selection selection = Selector.select(new SelectionInput(service, active, verdicts, since,
                        ActionJudge.selection(state.overrides(service.name())), now));
                if (!selection.changed()) continue;
                if (active.isEmpty() && awaitingBetter(service, selection, verdicts, now)) continue;
                decision = Optional.of(decide(service, selection.instance(), selection.reason(), evidence(evidence, all, now)));
            }
            decision.ifPresent(d -> {
                LOG.info("deciding {} -> {} (term {}): {}", d.service(), d.activeInstance().orElse("none"), term, d.reason());
                activeSince.remove(d.service());
                batch.add(d);
            });
        }
        desk.putBack(new ArrayList<>(actions.values())); // services with a decision in flight: next pass
        Optional<LeaderNotice> notice = noticeDue
                ? Optional.of(new LeaderNotice(self, term, wallClock.millis())) : Optional.empty();
        if (batch.isEmpty() && judged.isEmpty() && notice.isEmpty()) return;
        noticeDue = false;
        // Every change of this pass in one entry: one commit, one apply, one table swap on every node, however
        // many services a mass failure moves at once.
        CompletableFuture<Long> committed = node.append(DecisionCodec.encodeEntry(new LogEntry(notice, judged, batch)))
                .whenComplete((index, error) -> {
                    if (error != null) LOG.warn("{} decision{} and {} action{} not committed: {}", batch.size(),
                            batch.size() == 1 ? "" : "s", judged.size(), judged.size() == 1 ? "" : "s", error.getMessage());
                });
        for (Decision d : batch) inFlight.put(d.service(), committed);
        lastAppend = committed;
        lastAppendMillis = now;
        for (int i = 0; i < judged.size(); i++) {
            OperatorAction a = judged.get(i);
            ActionDesk.Pending p = replies.get(i);
            committed.thenCompose(index -> replica.whenApplied(index).thenApply(ignored -> index))
                    .whenComplete((index, error) -> p.reply().complete(error != null
                            ? ActionResult.error(503, "leadership changed before the " + a.kind().wireName()
                            + " committed; it may or may not apply: check baton history")
                            : a.accepted() ? new ActionResult(200, outcome(a, index))
                            : ActionResult.error(409, a.outcome())));
        }
    }

    /**
     * Whether a decision appended for a service is still in flight for a pass that read {@code state}: until
     * it is committed and that state has applied it. The append's future completes on the election's callback
     * thread right after the apply, so a pass that read the state just before the future completed would
     * otherwise decide the service again from the state without it. A failed append is no longer in flight.
     */
    static boolean inFlight(CompletableFuture<Long> appended, DecisionState.View state) {
        if (appended == null) return false;
        if (!appended.isDone()) return true;
        if (appended.isCompletedExceptionally()) return false;
        return appended.join() > state.appliedIndex();
    }

    /** The services with an instance some view now reports differently than at the last pass. */
    private java.util.Set<String> changedServices(List<NodeView> all) {
        java.util.Set<String> touched = new java.util.HashSet<>();
        for (NodeView view : all) {
            NodeView before = lastViews.get(view.nodeId());
            if (before != null && before.observations() == view.observations()) continue; // unchanged (own view)
            Map<InstanceKey, dev.baton.agent.check.InstanceHealth> was = before == null ? Map.of() : before.observations();
            view.observations().forEach((key, health) -> {
                if (health != was.get(key)) touched.add(key.service());
            });
            for (InstanceKey key : was.keySet()) {
                if (!view.observations().containsKey(key)) touched.add(key.service());
            }
        }
        return touched;
    }

    private static Map<String, Object> outcome(OperatorAction a, long index) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("service", a.service());
        body.put("action", a.kind().wireName());
        if (a.instance() != null) body.put("instance", a.instance());
        body.put("outcome", a.outcome());
        body.put("index", index);
        return body;
    }

    /** One queued action per service, oldest first; the rest wait for a later pass. Unknown services: 404 now. */
    private Map<String, ActionDesk.Pending> actionsToJudge(DecisionState.View state) {
        Map<String, ActionDesk.Pending> first = new java.util.LinkedHashMap<>();
        List<ActionDesk.Pending> later = new ArrayList<>();
        for (ActionDesk.Pending p : desk.take()) {
            String service = p.request().service();
            if (config.service(service).isEmpty()) {
                p.reply().complete(ActionResult.error(404, "no service named " + service));
            } else if (first.putIfAbsent(service, p) != null) {
                later.add(p);
            }
        }
        desk.putBack(later);
        return first;
    }

    /**
     * Judges one action: a refusal is recorded (and answered 409 once committed), or 404 at once; an accepted
     * one is recorded with the decision it causes, if any.
     */
    private Optional<Decision> judge(ActionDesk.Pending p, ServiceConfig service, Optional<String> current,
                                     Optional<ActiveInstance> active, Map<String, Verdict> verdicts,
                                     Map<String, Long> since, DecisionState.View state, QuorumVerdict.Evidence all, long now,
                                     List<OperatorAction> judged, List<ActionDesk.Pending> replies) {
        var request = p.request();
        ActionJudge.Judgement judgement = ActionJudge.judge(request, Optional.of(service), current,
                state.overrides(service.name()), verdicts);
        OperatorAction asked = new OperatorAction(request.kind(), request.service(), request.instance(),
                request.force(), request.client(), p.viaNode(), 0, term, false, "");
        String who = "asked by " + request.client() + " via node " + p.viaNode();
        if (judgement instanceof ActionJudge.Refused refused) {
            if (refused.status() == 404) {
                p.reply().complete(ActionResult.error(404, refused.reason()));
                return Optional.empty();
            }
            LOG.info("refused {} of {} ({}): {}", request.kind().wireName(), service.name(), who, refused.reason());
            judged.add(asked.judged(wallClock.millis(), term, false, refused.reason()));
            replies.add(p);
            return Optional.empty();
        }
        ActionJudge.Accepted accepted = (ActionJudge.Accepted) judgement;
        String what = request.kind().wireName() + (request.instance() == null ? "" : " " + request.instance())
                + (request.force() ? " (forced)" : "");
        Optional<Decision> decision;
        if (accepted.switchTo().isPresent()) {
            String target = accepted.switchTo().get();
            decision = Optional.of(decide(service, accepted.switchTo(), "an operator switched " + service.name()
                    + " to " + target + (request.force() ? " (forced)" : "") + " (" + who + "); " + target + " is "
                    + verdicts.getOrDefault(target, Verdict.NO_EVIDENCE).summary(), all));
        } else {
            Selection selection = Selector.select(new SelectionInput(service, active, verdicts, since,
                    accepted.selection(), now));
            decision = selection.changed()
                    ? Optional.of(decide(service, selection.instance(), "operator " + what + " (" + who + "); "
                    + selection.reason(), all))
                    : Optional.empty();
        }
        if (request.kind() == OperatorAction.Kind.APPROVE_FAILBACK && decision.isEmpty()) {
            String why = "nothing to fail back to: " + Selector.select(new SelectionInput(service, active, verdicts,
                    since, accepted.selection(), now)).reason();
            judged.add(asked.judged(wallClock.millis(), term, false, why));
            replies.add(p);
            return Optional.empty();
        }
        String outcome = what + " accepted; " + decision.map(d -> service.name() + " moves to "
                + d.activeInstance().orElse("no instance")).orElse("the active instance stays "
                + current.orElse("none"));
        LOG.info("operator {} of {} ({}): {}", request.kind().wireName(), service.name(), who, outcome);
        judged.add(asked.judged(wallClock.millis(), term, true, outcome));
        replies.add(p);
        return decision;
    }

    private Decision decide(ServiceConfig service, Optional<String> instance, String reason, QuorumVerdict.Evidence evidence) {
        return new Decision(service.name(), instance.orElse(null), term, reason, wallClock.millis(), evidence.of(service.name()));
    }

    /** The pass's evidence, built once on first use: most passes decide nothing and need none. */
    private QuorumVerdict.Evidence evidence(QuorumVerdict.Evidence[] memo, List<NodeView> all, long now) {
        if (memo[0] == null) memo[0] = quorum.evidence(config.cluster().node(), all, now);
        return memo[0];
    }
}
