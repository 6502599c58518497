package dev.baton.agent.select;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An operator's overrides for one service, as the {@link Selector} reads them.
 * <ul>
 *   <li>A {@code drained} instance is never selected, whatever its health, even as a last resort and even
 *   when it is pinned.</li>
 *   <li>The {@code pinned} instance is selected whenever it is configured and not drained, whatever its
 *   health: no automatic change while pinned (the operator took the wheel; status shows it loudly).</li>
 *   <li>{@code switchedTo}, the instance an operator switched to: while it is active and not {@code DOWN} the
 *   policy does not fail back away from it; once it is down the policy applies as usual.</li>
 *   <li>{@code failbackApproved}: a {@code failback: manual} service may move to its best candidate now (one
 *   selection, the one an {@code approve-failback} action makes).</li>
 * </ul>
 * Names that are not configured are ignored.
 */
public record Overrides(Optional<String> pinned, Set<String> drained, Optional<String> switchedTo,
                        boolean failbackApproved) {
    /** No pin, nothing drained, no switch, nothing approved. */
    public static final Overrides NONE = new Overrides(Optional.empty(), Set.of());

    public Overrides {
        Objects.requireNonNull(pinned, "pinned");
        drained = Set.copyOf(drained);
        Objects.requireNonNull(switchedTo, "switchedTo");
    }

    /** A pin and drains only. */
    public Overrides(Optional<String> pinned, Set<String> drained) {
        this(pinned, drained, Optional.empty(), false);
    }

    public boolean isDrained(String instance) {
        return drained.contains(instance);
    }

    /** The same overrides with the failback approved, for the selection an {@code approve-failback} makes. */
    public Overrides approvingFailback() {
        return new Overrides(pinned, drained, switchedTo, true);
    }
}
