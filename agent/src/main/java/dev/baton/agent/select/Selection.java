package dev.baton.agent.select;

import java.util.Objects;
import java.util.Optional;

/**
 * The selector's answer: the instance to publish (empty: answer nothing), whether that differs from the
 * active instance (so a new decision must be appended), and a human-readable reason for the decision log,
 * e.g. {@code a is down (3/3 nodes); b is up (3/3 nodes)}.
 */
public record Selection(Optional<String> instance, boolean changed, String reason) {
    public Selection {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(reason, "reason");
    }
}
