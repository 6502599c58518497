package dev.baton.agent.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains one of a child's pipes to its end, so the child never blocks on a full pipe, and keeps only its first
 * non-blank line (at most {@link #MAX_BYTES} bytes of it) for an error message; the rest is discarded.
 */
public final class FirstLineCapture implements Runnable {
    public static final int MAX_BYTES = 1024;

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean capturing = true;
    private Thread thread;

    public FirstLineCapture(InputStream in) {
        this.in = in;
    }

    /** Starts a daemon thread that drains the stream; it ends at end of stream (when every writer closed it). */
    public static FirstLineCapture start(InputStream in, String threadName) {
        FirstLineCapture capture = new FirstLineCapture(in);
        Thread thread = new Thread(capture, threadName);
        thread.setDaemon(true);
        thread.start();
        capture.thread = thread;
        return capture;
    }

    /** Waits up to {@code millis} for the end of the stream (a background child may hold it open longer). */
    public void awaitEnd(long millis) throws InterruptedException {
        if (thread != null) thread.join(Math.max(1, millis));
    }

    @Override
    public void run() {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                consume(buffer, n);
            }
        } catch (IOException e) {
            // The pipe broke (the process was killed, the stream closed): what was captured stays.
        }
    }

    private synchronized void consume(byte[] buffer, int n) {
        for (int i = 0; i < n && capturing; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                if (isBlank()) line.reset();
                else capturing = false;
            } else if (line.size() < MAX_BYTES) {
                line.write(b);
            } else {
                capturing = false;
            }
        }
    }

    private boolean isBlank() {
        return line.toString(StandardCharsets.UTF_8).isBlank();
    }

    /** The first non-blank line so far, stripped; empty when there was none. Raw: escape before showing it. */
    public synchronized String firstLine() {
        return line.toString(StandardCharsets.UTF_8).strip();
    }
}
