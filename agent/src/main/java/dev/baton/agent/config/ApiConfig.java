package dev.baton.agent.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP API (JSON, metrics, dashboard): where it listens, the bearer token every mutating call must carry,
 * and the certificate it serves HTTPS with.
 *
 * @param token the API token ({@code api.token_file}); empty means mutating calls need no token, which the
 *              loader accepts only when {@code listen} is a loopback address
 * @param tls   PEM certificate chain and PKCS#8 private key; empty for plain HTTP
 */
public record ApiConfig(HostPort listen, Optional<Secret> token, Optional<TlsFiles> tls) {
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 7480);

    public ApiConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tls, "tls");
    }

    /** Plain HTTP, no token (loopback only). */
    public ApiConfig(HostPort listen) {
        this(listen, Optional.empty(), Optional.empty());
    }

    /** The files of {@code api.tls}: a PEM X.509 certificate chain (leaf first) and its PEM PKCS#8 private key. */
    public record TlsFiles(Path certFile, Path keyFile) {
        public TlsFiles {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
        }
    }
}
