package dev.baton.agent.decision;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The operator's standing overrides of one service, replicated: what committed actions left behind.
 *
 * @param drained    instances never selected while drained
 * @param pinned     the instance the service stays on, no automatic change, while pinned
 * @param switchedTo the instance an operator switched to: the policy does not fail back away from it while it
 *                   is up; cleared by the first decision that moves the service elsewhere
 */
public record ServiceOverrides(SortedSet<String> drained, Optional<String> pinned, Optional<String> switchedTo) {
    public static final ServiceOverrides NONE = new ServiceOverrides(new TreeSet<>(), Optional.empty(), Optional.empty());

    public ServiceOverrides {
        drained = Collections.unmodifiableSortedSet(new TreeSet<>(drained));
        Objects.requireNonNull(pinned, "pinned");
        Objects.requireNonNull(switchedTo, "switchedTo");
    }

    public boolean isNone() {
        return drained.isEmpty() && pinned.isEmpty() && switchedTo.isEmpty();
    }

    public boolean isDrained(String instance) {
        return drained.contains(instance);
    }

    /** The overrides an accepted action of {@code kind} naming {@code instance} (null if none) leaves. */
    public ServiceOverrides after(OperatorAction.Kind kind, String instance) {
        return switch (kind) {
            case SWITCH -> new ServiceOverrides(drained, pinned, Optional.of(instance));
            case DRAIN, UNDRAIN -> {
                TreeSet<String> next = new TreeSet<>(drained);
                if (kind == OperatorAction.Kind.DRAIN) next.add(instance); else next.remove(instance);
                yield new ServiceOverrides(next, pinned, switchedTo);
            }
            case PIN -> new ServiceOverrides(drained, Optional.of(instance), switchedTo);
            case UNPIN -> new ServiceOverrides(drained, Optional.empty(), switchedTo);
            case APPROVE_FAILBACK -> this;
        };
    }

    /** The same overrides without a switch (a decision moved the service elsewhere). */
    ServiceOverrides withoutSwitch() {
        return new ServiceOverrides(drained, pinned, Optional.empty());
    }
}
