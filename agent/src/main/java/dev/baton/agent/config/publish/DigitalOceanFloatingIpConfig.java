package dev.baton.agent.config.publish;

import dev.baton.agent.config.Secret;
import java.net.URI;
import java.util.Objects;

/**
 * {@code digitalocean_floating_ip}: keep the reserved (formerly floating) IP {@code ip} assigned to the droplet
 * of the active instance ({@code instances[].droplet_id}) or, under {@code leader.publish}, of the leader
 * ({@code members[].droplet_id}).
 */
public record DigitalOceanFloatingIpConfig(String ip, Secret token, URI apiUrl) implements PublisherConfig {
    public DigitalOceanFloatingIpConfig {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(apiUrl, "apiUrl");
    }

    @Override
    public String kind() {
        return "digitalocean_floating_ip";
    }
}
