package dev.baton.agent.runtime;

import dev.baton.agent.api.ActionRequest;
import dev.baton.agent.check.InstanceHealth;
import dev.baton.agent.config.Failback;
import dev.baton.agent.config.ServiceConfig;
import dev.baton.agent.decision.OperatorAction.Kind;
import dev.baton.agent.decision.ServiceOverrides;
import dev.baton.agent.select.Overrides;
import dev.baton.agent.verdict.Verdict;

import java.util.Map;
import java.util.Optional;

/**
 * The leader's rules for an operator action, judged against its replicated state and the quorum verdicts: a
 * pure function, so each refusal is tested without a cluster. The rules (issue 9):
 * <ul>
 *   <li>{@code switch}: the target must be seen {@code UP} by a quorum, unless {@code force}; not drained; not
 *   already active; and the service not pinned to another instance.</li>
 *   <li>{@code drain}: not already drained; not the pinned instance (unpin first: a pin and a drain of one
 *   instance contradict each other). {@code undrain}: must be drained.</li>
 *   <li>{@code pin}: not drained; not already pinned to it; a target that is not active must be seen {@code UP}
 *   by a quorum unless {@code force}. {@code unpin}: must be pinned.</li>
 *   <li>{@code approve-failback}: only for {@code failback: manual}; the move itself is the selector's (with the
 *   failback approved), refused when it would not move.</li>
 * </ul>
 */
final class ActionJudge {
    private ActionJudge() {
    }

    /** What the leader makes of a request. */
    sealed interface Judgement permits Refused, Accepted {
    }

    /** Not carried out: 404 (no such service or instance) or 409 (a rule), with the reason. */
    record Refused(int status, String reason) implements Judgement {
    }

    /**
     * Carried out: the overrides the action leaves, the selector's view of them for the decision made with it,
     * and for a switch the instance to move to.
     */
    record Accepted(ServiceOverrides after, Overrides selection, Optional<String> switchTo) implements Judgement {
    }

    static Judgement judge(ActionRequest request, Optional<ServiceConfig> config, Optional<String> active,
                           ServiceOverrides overrides, Map<String, Verdict> verdicts) {
        if (config.isEmpty()) return new Refused(404, "no service named " + request.service());
        ServiceConfig service = config.get();
        String target = request.instance();
        if (target != null && service.instance(target).isEmpty()) {
            return new Refused(404, service.name() + " has no instance named " + target);
        }
        String name = service.name();
        Verdict verdict = target == null ? Verdict.NO_EVIDENCE : verdicts.getOrDefault(target, Verdict.NO_EVIDENCE);
        boolean healthy = verdict.health() == InstanceHealth.UP;
        Optional<String> pinned = overrides.pinned();
        switch (request.kind()) {
            case SWITCH -> {
                if (overrides.isDrained(target)) return new Refused(409, target + " is drained; undrain it first");
                if (pinned.isPresent() && !pinned.get().equals(target)) {
                    return new Refused(409, name + " is pinned to " + pinned.get() + "; unpin it first");
                }
                if (active.equals(Optional.of(target))) return new Refused(409, target + " is already active");
                if (!healthy && !request.force()) {
                    return new Refused(409, target + " is not seen healthy by a quorum (" + verdict.summary()
                            + "); use force to switch anyway");
                }
            }
            case DRAIN -> {
                if (overrides.isDrained(target)) return new Refused(409, target + " is already drained");
                if (pinned.equals(Optional.of(target))) return new Refused(409, target + " is pinned; unpin it first");
            }
            case UNDRAIN -> {
                if (!overrides.isDrained(target)) return new Refused(409, target + " is not drained");
            }
            case PIN -> {
                if (overrides.isDrained(target)) return new Refused(409, target + " is drained; undrain it first");
                if (pinned.equals(Optional.of(target))) return new Refused(409, name + " is already pinned to " + target);
                if (!active.equals(Optional.of(target)) && !healthy && !request.force()) {
                    return new Refused(409, target + " is not seen healthy by a quorum (" + verdict.summary()
                            + "); use force to pin it anyway");
                }
            }
            case UNPIN -> {
                if (pinned.isEmpty()) return new Refused(409, name + " is not pinned");
            }
            case APPROVE_FAILBACK -> {
                if (!(service.failback() instanceof Failback.Manual)) {
                    return new Refused(409, name + " fails back by itself (failback: " + service.failback()
                            + "); there is nothing to approve");
                }
                if (pinned.isPresent()) return new Refused(409, name + " is pinned to " + pinned.get() + "; unpin it first");
            }
        }
        ServiceOverrides after = overrides.after(request.kind(), target);
        Overrides selection = new Overrides(after.pinned(), after.drained(), after.switchedTo(),
                request.kind() == Kind.APPROVE_FAILBACK);
        return new Accepted(after, selection,
                request.kind() == Kind.SWITCH ? Optional.of(target) : Optional.empty());
    }

    /** The selector's view of replicated overrides, outside any action. */
    static Overrides selection(ServiceOverrides o) {
        return o.isNone() ? Overrides.NONE : new Overrides(o.pinned(), o.drained(), o.switchedTo(), false);
    }
}
