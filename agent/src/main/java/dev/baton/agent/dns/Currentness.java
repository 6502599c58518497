package dev.baton.agent.dns;

/**
 * Whether this node's answer table reflects the cluster's latest committed decisions for a service (for
 * example: this node is in contact with a majority and has applied every committed entry that touches it).
 *
 * <p>Contract: called on DNS I/O threads, possibly concurrently, once per query for a service name. It must
 * not block, must not throw, and should be a volatile read or similar.
 */
@FunctionalInterface
public interface Currentness {

    /** Always current: for tests and single-node setups. */
    Currentness ALWAYS = service -> true;

    /**
     * @param service the service whose answer is asked for (its name relative to the zone), or null when the
     *                answer depends on the zone as a whole (a name that does not exist, a name between two
     *                labels of a service, a CNAME to another name of the zone)
     */
    boolean isCurrent(String service);
}
