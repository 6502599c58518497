package dev.baton.agent.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A node-local secret read from a file or the environment: an API token, a TSIG secret, a webhook token. Its
 * {@link #toString()} never shows the value, so a config logged whole, a status document or an error message
 * cannot leak it; {@link #source()} says where it came from and is safe to show.
 */
public final class Secret {
    private final byte[] value;
    private final String source;

    public Secret(byte[] value, String source) {
        this.value = Objects.requireNonNull(value, "value").clone();
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The value as UTF-8 text (tokens); surrounding whitespace and line breaks are already stripped. */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** A copy of the raw bytes (a decoded TSIG secret). */
    public byte[] bytes() {
        return value.clone();
    }

    /** The number of bytes, safe to show. */
    public int length() {
        return value.length;
    }

    /** Where the secret came from ("file /etc/baton/do.token", "environment variable DIGITALOCEAN_TOKEN"). */
    public String source() {
        return source;
    }

    /** Constant time, so the comparison leaks nothing through timing. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(value, other.value);
    }

    @Override
    public int hashCode() {
        return value.length;
    }

    @Override
    public String toString() {
        return "Secret[from " + source + ", redacted]";
    }
}
