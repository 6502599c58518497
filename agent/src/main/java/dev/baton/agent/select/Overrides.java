package dev.baton.agent.select;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An operator's overrides for one service. A {@code drained} instance is never selected, whatever its health
 * and even when it is pinned. The {@code pinned} instance is selected whenever it is configured, not drained
 * and not {@code DOWN} (an {@code UNKNOWN} pin is kept: the operator asked for it); while it is down the
 * service's policy applies as if nothing were pinned. Names that are not configured are ignored.
 */
public record Overrides(Optional<String> pinned, Set<String> drained) {
    /** No pin, nothing drained. */
    public static final Overrides NONE = new Overrides(Optional.empty(), Set.of());

    public Overrides {
        Objects.requireNonNull(pinned, "pinned");
        drained = Set.copyOf(drained);
    }

    public boolean isDrained(String instance) {
        return drained.contains(instance);
    }
}
