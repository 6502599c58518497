package dev.baton.agent.check;

/** Told when this node's view of an instance changes. */
@FunctionalInterface
public interface HealthListener {

    /**
     * Called once per state change, after the result that caused it.
     *
     * <p>Contract: called on a check runner thread (an HTTP client thread, a worker or a timer thread), never
     * concurrently for the same instance and in the order of its changes, but possibly concurrently for different
     * instances. It must return quickly (hand heavy work to another thread): it delays that instance's next
     * check. An exception it throws is logged and ignored. Runs that complete after the runner is closed or the
     * instance removed are not reported (a call already under way when that happens may still finish).
     */
    void onChange(String service, String instance, InstanceHealth newState, ProbeResult lastResult);
}
