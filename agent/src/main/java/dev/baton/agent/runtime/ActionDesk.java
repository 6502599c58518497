package dev.baton.agent.runtime;

import dev.baton.agent.api.ActionRequest;
import dev.baton.agent.api.ActionResult;
import dev.baton.election.ElectionNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Where operator actions wait for the leader. On the leader, requests (its own API's and those forwarded by
 * other nodes) queue here until the {@link DecisionMaker} judges them on its loop thread. On any other node a
 * request is forwarded to the leader over the cluster transport and its future completes with the leader's
 * reply, then once this node has applied the entry it names, so a read here right after sees the action.
 * Every future completes within {@link #TIMEOUT_MILLIS} (503 otherwise); the queue holds at most
 * {@link #MAX_QUEUED} requests (503 beyond).
 */
final class ActionDesk {
    private static final Logger LOG = LoggerFactory.getLogger(ActionDesk.class);
    static final long TIMEOUT_MILLIS = 10_000;
    static final int MAX_QUEUED = 64;

    /** A request waiting on the leader, from {@code viaNode}. */
    record Pending(ActionRequest request, int viaNode, CompletableFuture<ActionResult> reply, long queuedAtMillis) {
    }

    private final int self;
    private final LongSupplier monotonicMillis;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private final Map<Long, CompletableFuture<ActionResult>> forwarded = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile ElectionNode node;
    private volatile Replica replica;
    private volatile Runnable wake = () -> { };

    ActionDesk(int self, LongSupplier monotonicMillis) {
        this.self = self;
        this.monotonicMillis = monotonicMillis;
    }

    /** Wires the node, the replica, and what nudges the decision maker to judge soon. */
    void attach(ElectionNode node, Replica replica, Runnable wake) {
        this.node = node;
        this.replica = replica;
        this.wake = wake;
    }

    /** An API call: judged here if this node leads, else forwarded to the leader. Any thread. */
    CompletableFuture<ActionResult> submit(ActionRequest request) {
        ElectionNode n = node;
        if (n == null) return done(ActionResult.error(503, "this node is starting"));
        if (n.isLeader()) return enqueue(request, self);
        int leader = n.status().leaderId();
        if (leader == 0 || leader == self) {
            return done(ActionResult.error(503, "no leader; try again when the cluster has elected one"));
        }
        long id = ids.incrementAndGet();
        CompletableFuture<ActionResult> reply = new CompletableFuture<>();
        forwarded.put(id, reply);
        try {
            n.send(leader, ActionMessages.request(id, request));
        } catch (RuntimeException e) {
            forwarded.remove(id);
            return done(ActionResult.error(503, "cannot reach the leader (node " + leader + ")"));
        }
        return reply.completeOnTimeout(ActionResult.error(503, "no answer from the leader (node " + leader
                        + ") within " + TIMEOUT_MILLIS / 1000 + "s; the action may still apply: check baton history"),
                        TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> forwarded.remove(id))
                .thenCompose(this::afterAppliedHere);
    }

    /** A request forwarded by {@code fromNode}: queued here, the reply sent back when it is known. */
    void onForwarded(int fromNode, long id, ActionRequest request) {
        ElectionNode n = node;
        CompletableFuture<ActionResult> reply = n != null && n.isLeader() ? enqueue(request, fromNode)
                : done(ActionResult.error(503, "node " + self + " no longer leads; try again"));
        reply.thenAccept(result -> {
            try {
                node.send(fromNode, ActionMessages.reply(id, result));
            } catch (RuntimeException e) {
                LOG.warn("cannot send the outcome of a {} of {} to node {}: {}", request.kind().wireName(),
                        request.service(), fromNode, e.getMessage());
            }
        });
    }

    /** The leader's reply to a request this node forwarded. */
    void onReply(long id, ActionResult result) {
        CompletableFuture<ActionResult> reply = forwarded.remove(id);
        if (reply != null) reply.complete(result);
    }

    /** Every queued request, oldest first, emptying the queue; expired ones are answered 503 and left out. */
    synchronized List<Pending> take() {
        List<Pending> out = new ArrayList<>(queue.size());
        long now = monotonicMillis.getAsLong();
        for (Pending p : queue) {
            if (now - p.queuedAtMillis() >= TIMEOUT_MILLIS) {
                p.reply().complete(ActionResult.error(503, "the leader could not act within "
                        + TIMEOUT_MILLIS / 1000 + "s (is it current?); nothing was changed"));
            } else {
                out.add(p);
            }
        }
        queue.clear();
        return out;
    }

    /** Whether any request waits to be judged. */
    synchronized boolean hasPending() {
        return !queue.isEmpty();
    }

    /** Puts back requests the decision maker could not judge this pass, ahead of newer ones. */
    synchronized void putBack(List<Pending> pending) {
        for (int i = pending.size() - 1; i >= 0; i--) queue.addFirst(pending.get(i));
    }

    /** Answers every queued request 503: this node no longer leads. */
    void refuseAll(String why) {
        for (Pending p : take()) p.reply().complete(ActionResult.error(503, why));
    }

    /** A 200 reply once this node has applied the entry it names; others at once. */
    CompletableFuture<ActionResult> afterAppliedHere(ActionResult result) {
        Object index = result.body().get("index");
        Replica r = replica;
        if (!result.ok() || !(index instanceof Number n) || r == null) return done(result);
        return r.whenApplied(n.longValue()).completeOnTimeout(null, TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .thenApply(ignored -> result);
    }

    private synchronized CompletableFuture<ActionResult> enqueue(ActionRequest request, int viaNode) {
        if (queue.size() >= MAX_QUEUED) {
            return done(ActionResult.error(503, MAX_QUEUED + " actions are waiting already; try again"));
        }
        CompletableFuture<ActionResult> reply = new CompletableFuture<>();
        queue.add(new Pending(request, viaNode, reply, monotonicMillis.getAsLong()));
        wake.run();
        // Bounded even when this leader never gets current enough to judge it.
        return reply.completeOnTimeout(ActionResult.error(503, "the leader could not act within "
                + TIMEOUT_MILLIS / 1000 + "s (is it current?); check baton history"), TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static CompletableFuture<ActionResult> done(ActionResult result) {
        return CompletableFuture.completedFuture(result);
    }
}
