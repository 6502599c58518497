package dev.baton.agent.select;

import java.util.Objects;

/**
 * The instance of the service's last committed decision, and since when (leader's clock) it has been active.
 * The current rules do not use {@code sinceMillis}; it is carried for a minimum-dwell rule and for display.
 */
public record ActiveInstance(String instance, long sinceMillis) {
    public ActiveInstance {
        Objects.requireNonNull(instance, "instance");
    }
}
