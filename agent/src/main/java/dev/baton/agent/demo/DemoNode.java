package dev.baton.agent.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** One Baton node of the demo, run as its own process ({@code baton agent}) so it can be killed for real. */
public final class DemoNode implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

    final int id;
    final int apiPort;
    final int dnsPort;
    private final Path config;
    private final Path logFile;
    private Process process;

    public DemoNode(int id, int apiPort, int dnsPort, Path config, Path logFile) {
        this.id = id;
        this.apiPort = apiPort;
        this.dnsPort = dnsPort;
        this.config = config;
        this.logFile = logFile;
    }

    public void start() throws IOException {
        process = new ProcessBuilder(baton("agent", "--config", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /**
     * The command line of {@code baton ARGS...} run as its own process: this JVM's {@code java} and class path,
     * with the agent's JVM options.
     */
    static List<String> baton(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JvmOptions.agent());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.baton.agent.cli.BatonCli"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** This node's config file. */
    Path config() {
        return config;
    }

    /** The running process's id; throws when the node is not running. */
    public long pid() {
        if (!alive()) throw new IllegalStateException("node " + id + " is not running");
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the process gets no chance to hand anything over. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The node's status document, or empty when it does not answer. */
    public Optional<JsonNode> status() {
        if (!alive()) return Optional.empty();
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + apiPort + "/v1/status")).timeout(Duration.ofMillis(300)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public int id() {
        return id;
    }

    public int apiPort() {
        return apiPort;
    }

    public int dnsPort() {
        return dnsPort;
    }

    public Path logFile() {
        return logFile;
    }

    /** SIGTERM, then SIGKILL if it has not stopped within five seconds. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) kill();
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }
}
