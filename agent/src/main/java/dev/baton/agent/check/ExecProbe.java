package dev.baton.agent.check;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a command directly (no shell, so no quoting or injection issues): healthy when it exits 0 within the
 * timeout. Its standard input is empty and its output is discarded, so a chatty command can never block on a
 * full pipe. On timeout or cancellation the whole process tree is killed (SIGKILL): a check that hangs must not
 * leave processes behind, one per interval.
 */
public final class ExecProbe implements Probe {
    private final CheckSpec.Exec spec;
    private final Executor executor;

    /** @param executor starts the process (fork/exec can take milliseconds); owned by the caller */
    public ExecProbe(CheckSpec.Exec spec, Executor executor) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public CompletableFuture<ProbeResult> run() {
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        AtomicReference<Process> process = new AtomicReference<>();
        result.whenComplete((r, e) -> {
            Process p = process.get();
            if (p != null && p.isAlive()) killTree(p);
        });
        BlockingStep.start(executor, result, () -> start(process, result));
        return result;
    }

    private void start(AtomicReference<Process> holder, CompletableFuture<ProbeResult> result) {
        Duration timeout = spec.timing().timeout();
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(spec.command())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException | RuntimeException e) {
            result.complete(ProbeResult.fail("cannot start " + spec.command().get(0) + ": " + e.getMessage(), start));
            return;
        }
        holder.set(process);
        if (result.isDone()) { // cancelled while starting: the whenComplete hook saw no process yet
            killTree(process);
            return;
        }
        process.onExit().thenAccept(p -> {
            int code = p.exitValue();
            result.complete(code == 0 ? ProbeResult.pass("exit 0", start) : ProbeResult.fail("exit " + code, start));
        });
        result.completeOnTimeout(ProbeResult.timedOut(timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Kills the process and every descendant it had. The descendants are listed before the parent dies: once it
     * is gone they are re-parented and can no longer be found from it. A grandchild forked in between escapes.
     */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
