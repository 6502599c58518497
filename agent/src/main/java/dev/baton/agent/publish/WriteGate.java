package dev.baton.agent.publish;

import java.time.Duration;

/**
 * The lease check every external write passes through, immediately before it is sent (DESIGN.md "Publishers":
 * APIs without conditional writes re-check leadership immediately before writing).
 */
public interface WriteGate {
    /**
     * Returns normally when this node still leads in a term at least the intent's fence term and its lease
     * runs longer than {@code requestTimeout} from now, so a request sent now completes (or times out) before
     * another leader can exist. Otherwise throws {@link PublishException} of kind
     * {@link PublishException.Kind#NOT_LEADING}, and the caller must not send. Never blocks.
     */
    void beforeWrite(Duration requestTimeout) throws PublishException;

    /**
     * What a write passes to {@link #beforeWrite} when it is fenced elsewhere, so the lease need only cover its
     * sending: an RFC 2136 UPDATE (the server checks the fence prerequisite), or a hook whose effects no timeout
     * of ours can bound within a lease (a 10 s command cannot fit a 1 s lease) and which carries the decision's
     * term and index for its receiver to refuse an older one.
     */
    Duration START_ONLY = Duration.ofMillis(100);

    /** A gate for node-local actions (VIP, role hooks): they are decided by {@link Intent#holdHere()}, not a lease. */
    WriteGate LOCAL = requestTimeout -> { };
}
