package dev.baton.agent.check;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one probe run.
 *
 * @param healthy whether this single run passed
 * @param detail  a short operator-facing explanation, e.g. {@code "HTTP 503"}, {@code "connect refused"},
 *                {@code "exit 1"}, {@code "timeout after 80ms"}; never contains URLs or credentials
 * @param latency how long the run took, from the start of the probe to its outcome
 */
public record ProbeResult(boolean healthy, String detail, Duration latency) {

    public ProbeResult {
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(latency, "latency");
    }

    public static ProbeResult pass(String detail, Duration latency) {
        return new ProbeResult(true, detail, latency);
    }

    public static ProbeResult fail(String detail, Duration latency) {
        return new ProbeResult(false, detail, latency);
    }

    static ProbeResult pass(String detail, long startNanos) {
        return pass(detail, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    static ProbeResult fail(String detail, long startNanos) {
        return fail(detail, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** The result of a run that did not finish within {@code timeout}. */
    static ProbeResult timedOut(Duration timeout) {
        return fail(timeoutDetail(timeout), timeout);
    }

    static String timeoutDetail(Duration timeout) {
        return "timeout after " + timeout.toMillis() + "ms";
    }
}
