package dev.baton.agent.dns;

/**
 * Whether this node's answer table reflects the cluster's latest committed decisions (for example: this node
 * is in contact with a majority and has applied the log up to the leader's commit index).
 *
 * <p>Contract: called on DNS I/O threads, possibly concurrently, once per query for a service name. It must
 * not block, must not throw, and should be a volatile read or similar.
 */
@FunctionalInterface
public interface Currentness {

    /** Always current: for tests and single-node setups. */
    Currentness ALWAYS = () -> true;

    boolean isCurrent();
}
