package dev.baton.agent.publish;

/** What the engine needs to know of the election: the agent's runtime provides it. Never blocks. */
public interface Leadership {
    /**
     * Whether this node leads right now, its lease read against the clock now, and its copy of the decisions is
     * complete (it has applied every commit it knows of), so the intents it builds are the newest.
     */
    boolean leads();

    /** The gate {@link Publisher.Authority#LEADER} publishers pass before each write of {@code intent}. */
    WriteGate gate(Intent intent);
}
