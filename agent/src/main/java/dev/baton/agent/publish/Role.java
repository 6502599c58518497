package dev.baton.agent.publish;

/** This node's role, as {@code leader.publish}'s exec hook sees it ({@code {role}}). */
public enum Role {
    LEADER,
    FOLLOWER;

    /** {@code leader} or {@code follower}. */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
