package dev.baton.agent.publish.hook;

import dev.baton.agent.process.FirstLineCapture;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one hook command to its end: no shell, standard input empty, the given environment only, both output
 * pipes drained (their first lines kept for messages). On timeout or interruption the whole process tree is
 * killed (SIGKILL).
 */
final class HookProcess {
    /** After the child exits, how long to wait for its pipes to close (a background grandchild may hold them). */
    static final long PIPE_GRACE_MILLIS = 500;
    /** After SIGKILL, how long to wait for the child to be reaped before reporting. */
    static final long KILL_WAIT_MILLIS = 2_000;

    /** How a run ended. {@code firstLine} is stderr's first non-blank line, else stdout's; raw, maybe empty. */
    record Result(Ended ended, int exitCode, String firstLine) {
    }

    enum Ended { EXITED, TIMED_OUT }

    /** The command could not be started. {@code missing}: not found or not executable (a configuration error). */
    static final class StartFailure extends Exception {
        final boolean missing;

        StartFailure(String message, boolean missing, IOException cause) {
            super(message, cause, false, false);
            this.missing = missing;
        }
    }

    private HookProcess() {
    }

    /**
     * Blocks until the command exits or {@code timeout} passes (then kills its tree).
     *
     * @throws StartFailure         when it cannot be started
     * @throws InterruptedException when interrupted; the tree is killed first
     */
    static Result run(List<String> argv, Map<String, String> environment, Duration timeout)
            throws StartFailure, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            String program = argv.get(0);
            boolean missing = !isRunnable(program, environment.get("PATH"));
            throw new StartFailure("cannot run " + program + (missing ? ": not found or not executable" : "")
                    + ": " + e.getMessage(), missing, e);
        }
        String name = "baton-hook-" + process.pid();
        FirstLineCapture err = FirstLineCapture.start(process.getErrorStream(), name + "-stderr");
        FirstLineCapture out = FirstLineCapture.start(process.getInputStream(), name + "-stdout");
        boolean exited;
        try {
            exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        if (!exited) {
            killTree(process);
            process.waitFor(KILL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        err.awaitEnd(PIPE_GRACE_MILLIS);
        out.awaitEnd(PIPE_GRACE_MILLIS);
        String line = err.firstLine().isEmpty() ? out.firstLine() : err.firstLine();
        return exited ? new Result(Ended.EXITED, process.exitValue(), line) : new Result(Ended.TIMED_OUT, -1, line);
    }

    /**
     * Kills the process and every descendant it had. The descendants are listed before the parent dies: once it
     * is gone they are re-parented and can no longer be found from it (same rule as the exec health check).
     */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** Whether {@code program} names an executable file (a path), or one is found on {@code path} (a bare name). */
    static boolean isRunnable(String program, String path) {
        if (program.isEmpty()) return false;
        if (program.contains("/")) return isExecutableFile(Path.of(program));
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && isExecutableFile(Path.of(dir, program))) return true;
        }
        return false;
    }

    private static boolean isExecutableFile(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
