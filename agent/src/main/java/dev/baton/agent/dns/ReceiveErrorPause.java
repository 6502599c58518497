package dev.baton.agent.dns;

/**
 * How long a UDP receiving thread waits after its receive call failed, before trying again: nothing after an
 * isolated error, then doubling from 1 ms up to 1 s while the errors go on, so a socket that fails every call
 * (an exhausted kernel, a broken descriptor) costs a few wake-ups a second, not a core. One per thread.
 */
final class ReceiveErrorPause {
    static final long MAX_MILLIS = 1_000;
    private long nextMillis;

    /** The receive call succeeded: the next error is isolated again. */
    void succeeded() {
        nextMillis = 0;
    }

    /** The receive call failed: how long to wait before the next, in milliseconds (0 the first time). */
    long failed() {
        long pause = nextMillis;
        nextMillis = nextMillis == 0 ? 1 : Math.min(MAX_MILLIS, nextMillis * 2);
        return pause;
    }

    /** Waits {@link #failed()}'s pause; false if the thread was interrupted (it should stop). */
    boolean pauseAfterFailure() {
        long pause = failed();
        if (pause == 0) return true;
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
