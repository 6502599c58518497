package dev.baton.agent.check;

import java.util.concurrent.CompletableFuture;

/**
 * One kind of health check bound to one target. Instances are created by {@link ProbeFactory} and are safe to
 * run again after the previous run has completed; a {@link CheckRunner} never runs the same probe twice at once.
 */
public sealed interface Probe permits HttpProbe, TargetProbe, ExecProbe {

    /**
     * Starts one run.
     *
     * <p>Contract: does not block the calling thread on I/O (blocking work is handed to the executor the probe
     * was built with); never throws; the returned future always completes normally, with a failed
     * {@link ProbeResult} for every kind of failure, and does so within about the spec's timeout. Cancelling the
     * future aborts the run and releases what it holds (connection, socket, process tree). The future may
     * complete on any thread (an HTTP client thread, a worker, the JDK's process reaper or timer thread).
     */
    CompletableFuture<ProbeResult> run();

    /**
     * Whether {@link #run()} returns within microseconds on any thread (it only queues work), so that a scheduler
     * may call it from its timer thread instead of handing it to a worker first.
     */
    default boolean startsQuickly() {
        return false;
    }

    /** Releases what the probe keeps between runs (a kept-alive connection). The probe is not run afterwards. */
    default void close() {
    }
}
