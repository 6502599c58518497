package dev.baton.agent.config.publish;

import dev.baton.agent.config.Secret;
import java.util.List;
import java.util.Objects;

/**
 * A TSIG key (RFC 8945): its name (absolute, lower case), algorithm ({@code hmac-sha256}, {@code hmac-sha512},
 * ...) and the decoded secret bytes.
 */
public record TsigKeyConfig(String name, String algorithm, Secret secret) {
    /** The HMAC algorithms of RFC 8945 section 6 that the {@code rfc2136} publisher signs with. */
    public static final List<String> ALGORITHMS = List.of("hmac-sha256", "hmac-sha512", "hmac-sha384",
            "hmac-sha224", "hmac-sha1", "hmac-md5");
    /** HMAC-SHA256 is mandatory to implement (RFC 8945 section 6). */
    public static final String DEFAULT_ALGORITHM = "hmac-sha256";

    public TsigKeyConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(secret, "secret");
    }
}
