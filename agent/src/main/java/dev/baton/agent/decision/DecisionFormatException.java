package dev.baton.agent.decision;

/** Bytes that are not a decision (or a decision-state snapshot) this node understands; the message says why. */
public final class DecisionFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DecisionFormatException(String message) {
        super(message);
    }

    public DecisionFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
