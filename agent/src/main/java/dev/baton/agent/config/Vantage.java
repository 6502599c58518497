package dev.baton.agent.config;

import java.util.Locale;

/**
 * Whose health observations decide that an instance is down (DESIGN.md: "an instance is down when a majority
 * of the nodes that can see the network say so"). The exact rules are in {@code QuorumVerdict}.
 */
public enum Vantage {
    /** Down when a majority of the cluster sees it down; eligible when a majority sees it up. The default. */
    QUORUM,
    /** The leader's own checks alone. */
    LEADER,
    /** Down as soon as any node sees it down; eligible only when every reporting node sees it up. */
    ANY,
    /** Down only when every member sees it down; eligible when any node sees it up. */
    ALL;

    /** The spelling used in the config file, e.g. {@code keep_last}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
