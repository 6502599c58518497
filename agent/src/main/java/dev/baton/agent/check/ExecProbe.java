package dev.baton.agent.check;

import dev.baton.agent.process.CleanEnvironment;
import dev.baton.agent.process.FirstLineCapture;
import dev.baton.agent.process.MessageText;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a command directly (no shell, so no quoting or injection issues): healthy when it exits 0 within the
 * timeout. Its standard input is empty; its output (standard output and error together) is drained, so a chatty
 * command can never block on a full pipe, and its first line, escaped and bounded, becomes the failure's detail
 * ({@code exit 1: disk full}) that {@code baton status} shows. It runs in a {@link CleanEnvironment}: never the
 * agent's {@code BATON_CLUSTER_KEY} or a token. On timeout or cancellation the whole process tree is killed (SIGKILL): a check that hangs must not
 * leave processes behind, one per interval.
 */
public final class ExecProbe implements Probe {
    private final CheckSpec.Exec spec;
    /** How long a finished check's output may still be read (a background child may hold the pipe open). */
    private static final long OUTPUT_GRACE_MILLIS = 100;

    private final Executor executor;
    private final Map<String, String> agentEnvironment;

    /** @param executor starts the process (fork/exec can take milliseconds); owned by the caller */
    public ExecProbe(CheckSpec.Exec spec, Executor executor) {
        this(spec, executor, System.getenv());
    }

    /** @param agentEnvironment where {@link CleanEnvironment#INHERITED} variables come from (tests pass a map) */
    public ExecProbe(CheckSpec.Exec spec, Executor executor, Map<String, String> agentEnvironment) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.agentEnvironment = Map.copyOf(agentEnvironment);
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
            ProcessBuilder builder = new ProcessBuilder(spec.command())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(CleanEnvironment.of(agentEnvironment, Map.of()));
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            result.complete(ProbeResult.fail("cannot start " + spec.command().get(0) + ": " + e.getMessage(), start));
            return;
        }
        holder.set(process);
        FirstLineCapture output = FirstLineCapture.start(process.getInputStream(),
                "baton-check-output-" + process.pid());
        if (result.isDone()) { // cancelled while starting: the whenComplete hook saw no process yet
            killTree(process);
            return;
        }
        process.onExit().thenAccept(p -> {
            int code = p.exitValue();
            if (code == 0) {
                result.complete(ProbeResult.pass("exit 0", start));
                return;
            }
            try {
                output.awaitEnd(OUTPUT_GRACE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String line = output.firstLine();
            result.complete(ProbeResult.fail("exit " + code + (line.isEmpty() ? "" : ": "
                    + MessageText.escapeAndBound(line)), start));
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
