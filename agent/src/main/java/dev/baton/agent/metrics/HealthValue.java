package dev.baton.agent.metrics;

import dev.baton.agent.check.InstanceHealth;

/**
 * A health as one gauge value: 1 up, 0 down, -1 unknown. One number per series instead of a series per state
 * keeps the cardinality at one per instance (and node); {@code == 0} alerts on down, {@code < 1} on not up.
 */
final class HealthValue {
    private HealthValue() {
    }

    static double of(InstanceHealth health) {
        return switch (health) {
            case UP -> 1;
            case DOWN -> 0;
            case UNKNOWN -> -1;
        };
    }
}
