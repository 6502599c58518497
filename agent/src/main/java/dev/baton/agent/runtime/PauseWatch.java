package dev.baton.agent.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon thread that sleeps {@value #SLEEP_MILLIS} ms at a time and measures how late it wakes: the
 * overshoot is a stall of the whole process (a GC pause holds every thread at a safepoint; a starved CPU
 * delays every thread), seen the way the election's own threads see it. Feeds {@link PauseWarning}.
 */
final class PauseWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PauseWatch.class);
    static final long SLEEP_MILLIS = 10;

    private final Thread thread;
    private volatile boolean running = true;

    PauseWatch(long followerTimeoutMillis) {
        PauseWarning warning = new PauseWarning(followerTimeoutMillis);
        thread = new Thread(() -> watch(warning), "baton-pause-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch(PauseWarning warning) {
        while (running) {
            long before = System.nanoTime();
            try {
                Thread.sleep(SLEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long overshootMillis = Math.max(0, (now - before) / 1_000_000 - SLEEP_MILLIS);
            warning.observe(overshootMillis, now / 1_000_000).ifPresent(LOG::warn);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
