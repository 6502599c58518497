package dev.baton.agent.config.publish;

import dev.baton.agent.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code webhook}: POST the decision as JSON to {@code url} on every change, with {@code Authorization: Bearer}
 * when a token is configured, and retry until a 2xx answer arrives within {@code timeout}.
 */
public record WebhookConfig(URI url, Duration timeout, Optional<Secret> token) implements PublisherConfig {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public WebhookConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(token, "token");
    }

    @Override
    public String kind() {
        return "webhook";
    }
}
