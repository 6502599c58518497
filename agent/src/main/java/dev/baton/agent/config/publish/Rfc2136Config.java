package dev.baton.agent.config.publish;

import dev.baton.agent.config.HostPort;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code rfc2136}: keep {@code record} (absolute, lower case, inside {@code zone}) at the zone's primary
 * {@code server} pointing at the active instance, by DNS UPDATE (RFC 2136), fenced by the TXT record
 * {@code _baton-fence.<record>}.
 *
 * @param tsig the key that signs every UPDATE and query, and verifies every response; empty for none
 */
public record Rfc2136Config(HostPort server, String zone, String record, RecordType type, Duration ttl,
                            Optional<TsigKeyConfig> tsig) implements PublisherConfig {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    public Rfc2136Config {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(tsig, "tsig");
    }

    @Override
    public String kind() {
        return "rfc2136";
    }
}
