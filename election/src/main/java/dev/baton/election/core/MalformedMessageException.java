package dev.baton.election.core;

/** A payload that does not decode to a valid message. The node drops it and counts it. */
public class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }
}
