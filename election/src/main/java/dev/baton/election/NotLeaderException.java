package dev.baton.election;

/** Thrown (or used to fail a future) when an operation needs the leader and this node is not it, or lost it. */
public class NotLeaderException extends RuntimeException {
    private final int leaderHint;

    public NotLeaderException(String message, int leaderHint) {
        super(message);
        this.leaderHint = leaderHint;
    }

    /** The leader this node believes in, or 0 if none. */
    public int leaderHint() {
        return leaderHint;
    }
}
