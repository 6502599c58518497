package dev.baton.agent.config;

import dev.baton.agent.check.CheckSpec;
import java.util.Objects;

/**
 * One instance of a service: its name, the address published for it, its priority (lower is preferred) and
 * its check, already merged from the service's and the instance's {@code check} keys and with
 * {@code {address}} substituted.
 */
public record InstanceConfig(String name, InstanceAddress address, int priority, CheckSpec check) {
    public InstanceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(check, "check");
    }
}
