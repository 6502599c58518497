package dev.baton.agent.check;

import dev.baton.agent.check.http.PlainHttpClient;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the probe for a {@link CheckSpec}. Plain {@code http://} and TCP checks share one {@link PlainHttpClient}
 * (each HTTP probe keeps its own connection alive); {@code https://} checks share one JDK HTTP client (and a second one
 * among the {@code insecure} ones), which pools connections; each is built on first use. Thread-safe.
 */
public final class ProbeFactory {
    private static final Logger log = LoggerFactory.getLogger(ProbeFactory.class);

    private final Executor blockingExecutor;
    private final Executor httpExecutor;
    private final PlainHttpClient plainClient;
    /** The JDK clients for HTTPS checks, by their {@code insecure} flag, each built on first use. */
    private final Map<Boolean, HttpClient> jdkClients = new ConcurrentHashMap<>();

    /**
     * @param blockingExecutor runs blocking work: TCP connects and process starts; should be bounded
     * @param httpExecutor     runs the JDK HTTP clients' asynchronous tasks (HTTPS checks)
     * @param plainClient      runs plain HTTP checks; owned by the caller
     */
    public ProbeFactory(Executor blockingExecutor, Executor httpExecutor, PlainHttpClient plainClient) {
        this.blockingExecutor = Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        this.httpExecutor = Objects.requireNonNull(httpExecutor, "httpExecutor");
        this.plainClient = Objects.requireNonNull(plainClient, "plainClient");
    }

    /** @throws IllegalArgumentException if the spec cannot be probed (e.g. an ftp: URL, port 0) */
    public Probe create(CheckSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec instanceof CheckSpec.Http http) {
            if ("http".equalsIgnoreCase(http.url().getScheme())) {
                return new PlainHttpProbe(http, plainClient, blockingExecutor);
            }
            return new HttpProbe(http, jdkClients.computeIfAbsent(http.insecure(), this::jdkClient));
        } else if (spec instanceof CheckSpec.Tcp tcp) {
            return new TcpProbe(tcp, plainClient, blockingExecutor);
        } else if (spec instanceof CheckSpec.Exec exec) {
            return new ExecProbe(exec, blockingExecutor);
        }
        throw new IllegalArgumentException("unsupported check kind: " + spec.getClass().getSimpleName());
    }

    private HttpClient jdkClient(boolean insecure) {
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            log.warn("the common ForkJoinPool has parallelism {}: the JDK HTTP client behind HTTPS checks will start a"
                    + " new thread for every response; start the JVM with"
                    + " -Djava.util.concurrent.ForkJoinPool.common.parallelism=2", ForkJoinPool.getCommonPoolParallelism());
        }
        return HttpProbe.newClient(insecure, httpExecutor);
    }
}
