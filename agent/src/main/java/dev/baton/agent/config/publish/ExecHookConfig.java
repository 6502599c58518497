package dev.baton.agent.config.publish;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code exec}: run {@code command} (no shell; placeholders such as {@code {service}} substituted in each
 * argument) on every change, and retry until it exits 0 within {@code timeout}.
 */
public record ExecHookConfig(List<String> command, Duration timeout) implements PublisherConfig {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** A placeholder in an argument; brace text of another shape ({@code {"a":1}}) is literal. */
    public static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_]*)\\}");
    /** The names a placeholder may take; any other is a typo that would run with an empty value. */
    public static final Set<String> PLACEHOLDERS = Set.of("service", "instance", "address", "previous_instance",
            "previous_address", "term", "index", "reason", "role", "droplet_id", "member");

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
