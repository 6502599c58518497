package dev.baton.agent.config.publish;

import dev.baton.agent.config.Secret;
import java.util.Objects;

/**
 * A TSIG key (RFC 8945): its name (absolute, lower case), algorithm ({@code hmac-sha256}, {@code hmac-sha512},
 * ...) and the decoded secret bytes.
 */
public record TsigKeyConfig(String name, String algorithm, Secret secret) {
    public TsigKeyConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(secret, "secret");
    }
}
