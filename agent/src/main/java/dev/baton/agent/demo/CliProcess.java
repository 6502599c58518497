package dev.baton.agent.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One {@code baton} command (e.g. {@code baton switch web b --config node2.yaml}) run as its own process, as an
 * operator would type it: the demo goes through the same code path as the CLI, not a shortcut. Its standard
 * output and error are kept in files in the demo's directory.
 */
final class CliProcess {
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private volatile long exitedNanos;

    private CliProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        process.onExit().thenRun(() -> exitedNanos = System.nanoTime());
    }

    /** Starts {@code baton args...}; its output goes to {@code <name>.out} and {@code <name>.err} in {@code dir}. */
    static CliProcess start(Path dir, String name, String... args) throws IOException {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(DemoNode.baton(args))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new CliProcess(p, out, err);
    }

    /** Waits up to {@code limit} for the command to finish (killing it if it has not); whether it finished. */
    boolean await(Duration limit) {
        try {
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.onExit().join(); // the exit time is recorded by then
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        return false;
    }

    /** The exit code; call after {@link #await} returned true. */
    int exitCode() {
        return process.exitValue();
    }

    /** When the process was seen to exit ({@link System#nanoTime()}); call after {@link #await} returned true. */
    long exitedNanos() {
        long at = exitedNanos;
        return at == 0 ? System.nanoTime() : at;
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
