package dev.baton.agent.config.publish;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code exec}: run {@code command} (no shell; placeholders such as {@code {service}} substituted in each
 * argument) on every change, and retry until it exits 0 within {@code timeout}.
 */
public record ExecHookConfig(List<String> command, Duration timeout) implements PublisherConfig {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public ExecHookConfig {
        command = List.copyOf(command);
        if (command.isEmpty()) throw new IllegalArgumentException("empty command");
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String kind() {
        return "exec";
    }
}
