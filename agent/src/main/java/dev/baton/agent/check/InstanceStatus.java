package dev.baton.agent.check;

import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time view of one instance's checks.
 *
 * @param health              the current rise/fall state
 * @param lastResult          the most recent probe result, empty until the first run completes
 * @param consecutivePasses   passing results since the last failure
 * @param consecutiveFailures failing results since the last pass
 * @param runs                completed probe runs
 * @param failedRuns          completed probe runs that failed (so {@code runs - failedRuns} passed)
 * @param latencyNanosTotal   the sum of every completed run's latency: with {@code runs}, the mean latency
 * @param skippedRuns         runs not started because the previous one was still in progress when due
 * @param expeditedRuns       runs started out of schedule by {@link CheckRunner#expedite} (counted in {@code runs}
 *                            once complete)
 */
public record InstanceStatus(InstanceHealth health, Optional<ProbeResult> lastResult, int consecutivePasses,
                             int consecutiveFailures, long runs, long failedRuns, long latencyNanosTotal,
                             long skippedRuns, long expeditedRuns) {
    public InstanceStatus {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(lastResult, "lastResult");
    }
}
