package dev.baton.election.core;

/** Where the state machine puts its outputs. Called only from the thread that drives the core. */
public interface Outbox {
    /** Sends a message to a peer, best effort (it may be lost). */
    void send(int to, Message message);

    /** Reports an event to the application, in order. */
    void emit(Event event);
}
