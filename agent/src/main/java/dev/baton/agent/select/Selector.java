package dev.baton.agent.select;

import dev.baton.agent.config.Durations;
import dev.baton.agent.config.Failback;
import dev.baton.agent.config.InstanceConfig;
import dev.baton.agent.config.SelectionPolicy;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.config.WhenNoneHealthy;
import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.verdict.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Chooses the one instance a service publishes: a pure function of a {@link SelectionInput}, run by the
 * leader whenever a verdict, an override or the time changes. It never looks at a clock and never blocks.
 *
 * <h2>Rules, in order</h2>
 * <ol>
 *   <li><b>Candidates</b> are the configured instances whose verdict is {@code UP} and that are not drained,
 *   ordered by priority (lower first), then by config order. "The best candidate" is the first.</li>
 *   <li><b>Pin</b>: a configured, non-drained pinned instance is selected whatever its health: no automatic
 *   change while pinned (see {@link Overrides}); a pin of a drained or unconfigured instance is ignored and the
 *   reason says why.</li>
 *   <li><b>No active instance</b> (first decision, or after answering nothing): the best candidate, or
 *   nothing.</li>
 *   <li><b>The active instance is gone</b>, that is no longer configured, drained, or {@code DOWN}: the best
 *   candidate. With no candidate, a {@code DOWN} active instance is kept under {@code keep_last} and dropped
 *   under {@code no_answer}; a drained or unconfigured one is always dropped (an operator's drain is never
 *   overruled, and an unconfigured instance has no address to publish).</li>
 *   <li><b>The active instance is {@code UNKNOWN}</b>: it stays; nothing changes on an unclear verdict.</li>
 *   <li><b>The active instance is the one an operator switched to</b> and {@code UP}: it stays, whatever the
 *   failback says (the operator moved it there on purpose), unless a failback is approved.</li>
 *   <li><b>The active instance is {@code UP}</b>: {@code sticky} stays. {@code failover} looks at the candidates with a
 *   strictly lower priority number ("better"; equal priority is not better, whatever the config order): {@code failback: immediate} moves to the best of them; {@code after D} moves to
 *   the best of them that has been continuously up for at least {@code D} (so a stable second-best can
 *   be taken while the best is still in its hold-down); {@code manual} stays, unless the failback is
 *   approved ({@link Overrides#failbackApproved()}), then it moves to the best of them.</li>
 * </ol>
 * Consequently the selector never returns a drained instance, and never moves to a {@code DOWN} one: the only
 * {@code DOWN} instance it can return is the active one, kept by {@code keep_last} while no candidate is up, or
 * a pinned one.
 */
public final class Selector {
    private Selector() {
    }

    /** The selection for one service. Throws only on a null input. */
    public static Selection select(SelectionInput in) {
        ServiceConfig service = in.service();
        List<InstanceConfig> candidates = candidates(in);
        String pinNote = "";
        Optional<String> pinned = in.overrides().pinned();
        if (pinned.isPresent()) {
            String pin = pinned.get();
            if (service.instance(pin).isEmpty()) {
                pinNote = "pin of " + pin + " ignored: no such instance; ";
            } else if (in.overrides().isDrained(pin)) {
                pinNote = "pin of " + pin + " ignored: " + pin + " is drained; ";
            } else {
                // No automatic change while pinned (issue 9), even when the pinned instance is down.
                return choose(in, Optional.of(pin), pin + " is pinned by an operator and " + in.verdict(pin).summary()
                        + "; no automatic change while pinned");
            }
        }
        Selection byPolicy = byPolicy(in, candidates);
        return pinNote.isEmpty() ? byPolicy
                : new Selection(byPolicy.instance(), byPolicy.changed(), pinNote + byPolicy.reason());
    }

    private static Selection byPolicy(SelectionInput in, List<InstanceConfig> candidates) {
        ServiceConfig service = in.service();
        if (in.active().isEmpty()) {
            if (candidates.isEmpty()) {
                return choose(in, Optional.empty(), "no active instance; " + noneUp(in));
            }
            String best = candidates.get(0).name();
            return choose(in, Optional.of(best), "no active instance; " + describe(in, best));
        }
        String active = in.active().get().instance();
        Optional<InstanceConfig> activeConfig = service.instance(active);
        if (activeConfig.isEmpty()) {
            return replace(in, candidates, active + " is no longer configured", false);
        }
        if (in.overrides().isDrained(active)) {
            return replace(in, candidates, active + " is drained", false);
        }
        Verdict verdict = in.verdict(active);
        return switch (verdict.health()) {
            case DOWN -> replace(in, candidates, describe(in, active), true);
            case UNKNOWN -> choose(in, Optional.of(active),
                    describe(in, active) + "; staying on " + active + " until the verdict is clear");
            // An approved failback overrides a switch's hold: the operator now asks for the best instance.
            case UP -> in.overrides().switchedTo().filter(active::equals).isPresent() && !in.overrides().failbackApproved()
                    ? choose(in, Optional.of(active), describe(in, active) + "; an operator switched to it, so it stays")
                    : service.policy() == SelectionPolicy.STICKY
                    ? choose(in, Optional.of(active), describe(in, active) + "; sticky keeps it")
                    : failback(in, activeConfig.get(), candidates);
        };
    }

    /** The active instance is gone: the best candidate, else what {@code when_none_healthy} says. */
    private static Selection replace(SelectionInput in, List<InstanceConfig> candidates, String why,
                                     boolean mayKeep) {
        String active = in.active().orElseThrow().instance();
        if (!candidates.isEmpty()) {
            String best = candidates.get(0).name();
            return choose(in, Optional.of(best), why + "; " + describe(in, best));
        }
        WhenNoneHealthy whenNone = in.service().whenNoneHealthy();
        if (mayKeep && whenNone == WhenNoneHealthy.KEEP_LAST) {
            return choose(in, Optional.of(active), why + "; " + noneUp(in) + "; keeping " + active + " (keep_last)");
        }
        String rule = mayKeep ? " (" + whenNone.configName() + ")" : "";
        return choose(in, Optional.empty(), why + "; " + noneUp(in) + "; answering nothing" + rule);
    }

    /** {@code failover} with an {@code UP} active instance: move to a better-priority candidate per the failback. */
    private static Selection failback(SelectionInput in, InstanceConfig active, List<InstanceConfig> candidates) {
        // Strictly better priority only: instances of equal priority are equivalent, and moving between them
        // would disrupt clients for nothing. Config order breaks ties only when a move is needed anyway.
        List<InstanceConfig> better = candidates.stream().filter(c -> c.priority() < active.priority()).toList();
        String activeUp = describe(in, active.name());
        if (better.isEmpty()) {
            return choose(in, Optional.of(active.name()), activeUp + "; no better-priority instance is up");
        }
        String best = better.get(0).name();
        Failback failback = in.service().failback();
        if (failback instanceof Failback.Immediate) {
            return choose(in, Optional.of(best), describe(in, best) + " and has better priority than "
                    + active.name() + "; failing back (immediate)");
        }
        if (failback instanceof Failback.After after) {
            Duration holdDown = after.holdDown();
            for (InstanceConfig c : better) {
                Long upSince = in.upSinceMillis().get(c.name());
                if (holdDown.isZero() || upSince != null && in.nowMillis() - upSince >= holdDown.toMillis()) {
                    String held = upSince == null ? "" : ", up for " + format(in.nowMillis() - upSince);
                    return choose(in, Optional.of(c.name()), describe(in, c.name()) + held
                            + " and has better priority than " + active.name() + "; failing back (" + failback + ")");
                }
            }
            Long upSince = in.upSinceMillis().get(best);
            String soFar = upSince == null ? "not known how long" : "only " + format(in.nowMillis() - upSince);
            return choose(in, Optional.of(active.name()), activeUp + "; " + best
                    + " has better priority but has been up " + soFar + " of its " + Durations.format(holdDown)
                    + " hold-down");
        }
        if (in.overrides().failbackApproved()) {
            return choose(in, Optional.of(best), describe(in, best) + " and has better priority than "
                    + active.name() + "; failing back (manual, approved by an operator)");
        }
        return choose(in, Optional.of(active.name()),
                activeUp + "; " + best + " is up with better priority, but failback is manual");
    }

    private static Selection choose(SelectionInput in, Optional<String> instance, String reason) {
        Optional<String> active = in.active().map(ActiveInstance::instance);
        return new Selection(instance, !instance.equals(active), reason);
    }

    private static List<InstanceConfig> candidates(SelectionInput in) {
        List<InstanceConfig> out = new ArrayList<>();
        for (InstanceConfig c : in.service().instances()) {
            if (in.verdict(c.name()).health() == InstanceHealth.UP && !in.overrides().isDrained(c.name())) out.add(c);
        }
        // Lower priority number first; List.sort is stable, so config order breaks ties.
        out.sort(Comparator.comparingInt(InstanceConfig::priority));
        return out;
    }

    private static String describe(SelectionInput in, String instance) {
        return instance + " is " + in.verdict(instance).summary();
    }

    /** "no instance is up (a down (3/3 nodes), b unknown (...))", for reasons when nothing can be chosen. */
    private static String noneUp(SelectionInput in) {
        StringJoiner states = new StringJoiner(", ", "no instance is up (", ")");
        for (InstanceConfig c : in.service().instances()) {
            String drained = in.overrides().isDrained(c.name()) ? " drained" : "";
            states.add(c.name() + " " + in.verdict(c.name()).summary() + drained);
        }
        return states.toString();
    }

    private static String format(long millis) {
        return Durations.format(Duration.ofMillis(Math.max(0, millis)));
    }
}
