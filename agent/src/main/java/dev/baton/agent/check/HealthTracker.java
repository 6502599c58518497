package dev.baton.agent.check;

/**
 * The rise/fall state machine of one instance, as in HAProxy and keepalived: {@code rise} consecutive passing
 * results make it {@link InstanceHealth#UP}, {@code fall} consecutive failing results make it
 * {@link InstanceHealth#DOWN}. It starts {@link InstanceHealth#UNKNOWN}, and from there whichever threshold is
 * reached first decides. A pure function of the results fed to it: no clock, no I/O.
 *
 * <p>Not thread-safe: the caller feeds it one result at a time (a {@link CheckRunner} does so under a lock).
 */
public final class HealthTracker {
    private final int rise;
    private final int fall;
    private InstanceHealth state = InstanceHealth.UNKNOWN;
    private int consecutivePasses;
    private int consecutiveFailures;

    public HealthTracker(int rise, int fall) {
        if (rise < 1) throw new IllegalArgumentException("rise must be at least 1, not " + rise);
        if (fall < 1) throw new IllegalArgumentException("fall must be at least 1, not " + fall);
        this.rise = rise;
        this.fall = fall;
    }

    /** Records one result; returns whether the state changed because of it. */
    public boolean record(boolean passed) {
        InstanceHealth before = state;
        if (passed) {
            consecutiveFailures = 0;
            consecutivePasses = saturatingIncrement(consecutivePasses);
            if (consecutivePasses >= rise) state = InstanceHealth.UP;
        } else {
            consecutivePasses = 0;
            consecutiveFailures = saturatingIncrement(consecutiveFailures);
            if (consecutiveFailures >= fall) state = InstanceHealth.DOWN;
        }
        return state != before;
    }

    public InstanceHealth state() {
        return state;
    }

    /** Passing results since the last failure (0 after a failure). */
    public int consecutivePasses() {
        return consecutivePasses;
    }

    /** Failing results since the last pass (0 after a pass). */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    private static int saturatingIncrement(int n) {
        return n == Integer.MAX_VALUE ? n : n + 1;
    }
}
