package dev.baton.agent.verdict;

import dev.baton.agent.check.InstanceHealth;

import java.util.Objects;

/**
 * The cluster's verdict on one instance: its {@code health} under the service's vantage, and the evidence it
 * rests on, counted over the fresh views only: how many said up, how many said down, and how many fresh views
 * there were ({@code freshNodes - upCount - downCount} said unknown or nothing).
 */
public record Verdict(InstanceHealth health, int upCount, int downCount, int freshNodes) {
    /** A verdict with no evidence at all, for an instance nobody has reported on. */
    public static final Verdict NO_EVIDENCE = new Verdict(InstanceHealth.UNKNOWN, 0, 0, 0);

    public Verdict {
        Objects.requireNonNull(health, "health");
        if (upCount < 0 || downCount < 0 || upCount + downCount > freshNodes) {
            throw new IllegalArgumentException("inconsistent counts: " + upCount + " up, " + downCount + " down, "
                    + freshNodes + " fresh");
        }
    }

    /**
     * A short human-readable summary for decision reasons, e.g. {@code down (3/3 nodes)}: the health and how
     * many of the fresh views agree with it; for {@code unknown}, how the fresh views split.
     */
    public String summary() {
        return switch (health) {
            case UP -> "up (" + upCount + "/" + freshNodes + " nodes)";
            case DOWN -> "down (" + downCount + "/" + freshNodes + " nodes)";
            case UNKNOWN -> "unknown (" + upCount + " up, " + downCount + " down of " + freshNodes + " nodes)";
        };
    }
}
