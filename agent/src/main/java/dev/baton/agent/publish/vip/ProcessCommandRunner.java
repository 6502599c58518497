package dev.baton.agent.publish.vip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs commands with {@link ProcessBuilder} in a clean environment: only {@code PATH} (the agent's, plus the
 * sbin directories where Debian puts {@code ip} and {@code arping}) and {@code LC_ALL=C} (so error text is the
 * English the messages quote). The agent's own environment is never passed on: it may hold
 * {@code BATON_CLUSTER_KEY} or API tokens.
 */
public final class ProcessCommandRunner implements CommandRunner {
    /** Each captured stream keeps at most this much; {@code ip -j addr show dev X} is a few KiB. */
    static final int MAX_CAPTURE_BYTES = 256 * 1024;
    private static final String SBIN = "/usr/local/sbin:/usr/sbin:/sbin";

    private final String path;

    public ProcessCommandRunner() {
        this(System.getenv("PATH"));
    }

    ProcessCommandRunner(String inheritedPath) {
        String base = inheritedPath == null || inheritedPath.isBlank() ? "/usr/local/bin:/usr/bin:/bin" : inheritedPath;
        this.path = base + ":" + SBIN;
    }

    @Override
    public CommandResult run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process process = builder(command).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        // Both streams are drained off this thread so a full pipe never stalls the command and the timeout holds.
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new CommandTimeoutException(String.join(" ", command) + " timed out after " + timeout.toMillis()
                        + " ms and was killed");
            }
            return new CommandResult(command, process.exitValue(), collect(out), collect(err));
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        }
    }

    @Override
    public Process start(List<String> command) throws IOException {
        return builder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", path);
        env.put("LC_ALL", "C");
        return builder;
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (in) {
                ByteArrayOutputStream kept = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    kept.write(buffer, 0, Math.min(n, Math.max(0, MAX_CAPTURE_BYTES - kept.size())));
                }
                text.complete(kept.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        }, "vip-command-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }

    private static String collect(CompletableFuture<String> stream) throws InterruptedException {
        try {
            // The process has exited; a grandchild still holding the pipe must not hold us.
            return stream.get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }

    private static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
