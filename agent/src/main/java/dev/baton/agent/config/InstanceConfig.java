package dev.baton.agent.config;

import dev.baton.agent.check.CheckSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * One instance of a service: its name, the address published for it, its priority (lower is preferred) and
 * its check, already merged from the service's and the instance's {@code check} keys and with
 * {@code {address}} substituted. {@code dropletId} (the DigitalOcean droplet that runs it) and {@code member}
 * (the cluster member on its host, which holds a {@code vip}) are set only where a publisher needs them.
 */
public record InstanceConfig(String name, InstanceAddress address, int priority, CheckSpec check,
                             Optional<Long> dropletId, Optional<Integer> member) {
    public InstanceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(dropletId, "dropletId");
        Objects.requireNonNull(member, "member");
    }

    public InstanceConfig(String name, InstanceAddress address, int priority, CheckSpec check) {
        this(name, address, priority, check, Optional.empty(), Optional.empty());
    }
}
