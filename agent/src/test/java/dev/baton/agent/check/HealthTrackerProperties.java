package dev.baton.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class HealthTrackerProperties {

    /**
     * The state changes exactly when a run of identical results reaches its threshold (rise for passes, fall for
     * failures) and the state is not already the run's target; nowhere else.
     */
    @Property
    void changesOnlyWhenARunReachesItsThreshold(@ForAll @IntRange(min = 1, max = 5) int rise,
                                                @ForAll @IntRange(min = 1, max = 5) int fall,
                                                @ForAll @Size(max = 80) List<Boolean> results) {
        HealthTracker tracker = new HealthTracker(rise, fall);
        int run = 0;
        Boolean previous = null;
        for (boolean passed : results) {
            run = previous != null && previous == passed ? run + 1 : 1;
            previous = passed;
            InstanceHealth before = tracker.state();
            InstanceHealth target = passed ? InstanceHealth.UP : InstanceHealth.DOWN;
            boolean changed = tracker.record(passed);

            boolean thresholdReachedNow = run == (passed ? rise : fall);
            assertThat(changed).isEqualTo(thresholdReachedNow && before != target);
            assertThat(tracker.state()).isEqualTo(changed ? target : before);
            if (run >= (passed ? rise : fall)) assertThat(tracker.state()).isEqualTo(target);
            assertThat(passed ? tracker.consecutivePasses() : tracker.consecutiveFailures()).isEqualTo(run);
            assertThat(passed ? tracker.consecutiveFailures() : tracker.consecutivePasses()).isZero();
        }
    }

    /** UNKNOWN lasts exactly until some run first reaches its threshold, and never comes back. */
    @Property
    void unknownUntilTheFirstThreshold(@ForAll @IntRange(min = 1, max = 5) int rise,
                                       @ForAll @IntRange(min = 1, max = 5) int fall,
                                       @ForAll @Size(max = 80) List<Boolean> results) {
        HealthTracker tracker = new HealthTracker(rise, fall);
        boolean reached = false;
        int run = 0;
        Boolean previous = null;
        for (boolean passed : results) {
            run = previous != null && previous == passed ? run + 1 : 1;
            previous = passed;
            reached |= run >= (passed ? rise : fall);
            tracker.record(passed);
            assertThat(tracker.state() == InstanceHealth.UNKNOWN).isEqualTo(!reached);
        }
    }
}
