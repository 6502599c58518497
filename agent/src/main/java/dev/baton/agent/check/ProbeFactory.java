package dev.baton.agent.check;

import java.net.http.HttpClient;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Builds the probe for a {@link CheckSpec}, sharing one HTTP client among all HTTP probes (and a second one,
 * built on first use, among the {@code insecure} ones) so that connections are pooled and kept alive.
 * Thread-safe.
 */
public final class ProbeFactory {
    private final Executor blockingExecutor;
    private final Executor httpExecutor;
    private final HttpClient verifyingClient;
    private volatile HttpClient insecureClient;

    /**
     * @param blockingExecutor runs blocking work: TCP connects and process starts; should be bounded
     * @param httpExecutor     runs the HTTP clients' asynchronous tasks
     */
    public ProbeFactory(Executor blockingExecutor, Executor httpExecutor) {
        this.blockingExecutor = Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        this.httpExecutor = Objects.requireNonNull(httpExecutor, "httpExecutor");
        this.verifyingClient = HttpProbe.newClient(false, httpExecutor);
    }

    /** @throws IllegalArgumentException if the spec cannot be probed (e.g. an ftp: URL, port 0) */
    public Probe create(CheckSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec instanceof CheckSpec.Http http) {
            return new HttpProbe(http, http.insecure() ? insecureClient() : verifyingClient);
        } else if (spec instanceof CheckSpec.Tcp tcp) {
            return new TcpProbe(tcp, blockingExecutor);
        } else if (spec instanceof CheckSpec.Exec exec) {
            return new ExecProbe(exec, blockingExecutor);
        }
        throw new IllegalArgumentException("unsupported check kind: " + spec.getClass().getSimpleName());
    }

    private HttpClient insecureClient() {
        HttpClient client = insecureClient;
        if (client == null) {
            synchronized (this) {
                client = insecureClient;
                if (client == null) insecureClient = client = HttpProbe.newClient(true, httpExecutor);
            }
        }
        return client;
    }
}
