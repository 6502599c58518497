package dev.baton.agent.api;

import dev.baton.agent.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks the {@code Authorization: Bearer <token>} header of a mutating call against {@code api.token_file}.
 * The comparison takes the same time wherever the first differing byte is ({@link MessageDigest#isEqual}), so
 * timing tells an attacker nothing; the token is never logged or echoed.
 */
final class BearerToken {
    private static final String PREFIX = "Bearer ";
    private final Optional<byte[]> expected;

    /** {@code token} empty: no token configured, every call is allowed (loopback only, ConfigLoader's rule). */
    BearerToken(Optional<Secret> token) {
        this.expected = token.map(Secret::bytes);
    }

    /** Whether {@code authorization} (the header's value, null when absent) carries the right token. */
    boolean allows(String authorization) {
        if (expected.isEmpty()) return true;
        if (authorization == null || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) return false;
        byte[] given = authorization.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected.get(), given);
    }
}
