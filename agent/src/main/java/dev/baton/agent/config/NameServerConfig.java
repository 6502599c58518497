package dev.baton.agent.config;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One of the zone's name servers ({@code dns.nameservers}): its NS name (absolute, lower case) and, for a name
 * inside the zone, the address Baton answers for it (its A or AAAA record, and the glue a parent needs).
 */
public record NameServerConfig(String name, Optional<InetAddress> address) {
    public NameServerConfig {
        Objects.requireNonNull(name, "name");
        if (!name.endsWith(".")) throw new IllegalArgumentException("name server must be absolute: " + name);
        Objects.requireNonNull(address, "address");
    }
}
