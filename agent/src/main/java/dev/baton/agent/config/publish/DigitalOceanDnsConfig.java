package dev.baton.agent.config.publish;

import dev.baton.agent.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code digitalocean_dns}: keep the record {@code record} (relative to {@code domain}; {@code @} is the apex)
 * of a DigitalOcean domain pointing at the active instance, with a {@code _baton-fence} TXT record beside it.
 *
 * @param apiUrl the API's base URL without a trailing slash ({@value #DEFAULT_API_URL} unless a test points
 *               it elsewhere)
 */
public record DigitalOceanDnsConfig(String domain, String record, RecordType type, Duration ttl, Secret token,
                                    URI apiUrl) implements PublisherConfig {
    public static final String DEFAULT_API_URL = "https://api.digitalocean.com";
    /** DigitalOcean refuses a TTL below 30 seconds. */
    public static final Duration MIN_TTL = Duration.ofSeconds(30);

    public DigitalOceanDnsConfig {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(apiUrl, "apiUrl");
    }

    @Override
    public String kind() {
        return "digitalocean_dns";
    }
}
