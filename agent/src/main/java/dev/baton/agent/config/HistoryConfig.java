package dev.baton.agent.config;

/**
 * The replicated history ({@code history:}).
 *
 * @param keep how many decisions, operator actions and leader changes are kept; must agree on every node, or
 *             their histories differ in length (never in content)
 */
public record HistoryConfig(int keep) {
    public static final int DEFAULT_KEEP = 10_000;
    public static final HistoryConfig DEFAULT = new HistoryConfig(DEFAULT_KEEP);

    public HistoryConfig {
        if (keep < 1) throw new IllegalArgumentException("history.keep must be at least 1: " + keep);
    }
}
