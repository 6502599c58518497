package dev.baton.election;

/**
 * Looks at each application entry the moment it reaches this node's log, on the protocol thread, before this
 * node can learn that the entry is committed. For an application that keeps serving reads while its callback
 * thread is behind: it learns what every entry it has yet to apply touches without waiting for that thread, so a
 * slow or starved callback thread delays only what its backlog touches (see {@link ElectionNode#appendedThrough}).
 *
 * <p>Contract: called on the protocol thread, in log order, for every application entry appended, received or
 * fetched (an entry that replaces an uncommitted one at the same index is inspected again). It must be quick
 * (it delays the protocol), must not block, must not call the node, and must be thread-safe towards the
 * listener's callback thread. A throw is logged and the entry counts as not inspected.
 */
@FunctionalInterface
public interface LogInspector {

    /** An entry at {@code index} of {@code term} with the application's {@code data} reached this node's log. */
    void inspect(long index, long term, byte[] data);
}
