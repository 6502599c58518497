package dev.baton.agent.config;

import java.util.Objects;

/** The HTTP API (JSON, metrics, dashboard): where it listens. */
public record ApiConfig(HostPort listen) {
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 7480);

    public ApiConfig {
        Objects.requireNonNull(listen, "listen");
    }
}
