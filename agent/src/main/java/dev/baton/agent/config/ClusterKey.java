package dev.baton.agent.config;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * The shared secret that authenticates cluster traffic (HMAC-SHA256 key). Its {@link #toString()} never shows
 * the bytes, so a config logged whole does not leak it.
 */
public final class ClusterKey {
    /** HMAC-SHA256 keys shorter than the hash output (32 bytes) weaken it (RFC 2104 section 3). */
    public static final int MIN_BYTES = 32;

    private final byte[] bytes;
    private final String source;

    /** {@code source} says where the key came from, for messages ("file /etc/baton/cluster.key"). */
    public ClusterKey(byte[] bytes, String source) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("cluster key has " + bytes.length + " bytes; at least " + MIN_BYTES + " required");
        }
        this.bytes = bytes.clone();
        this.source = Objects.requireNonNull(source, "source");
    }

    /** A copy of the key bytes; the caller should not keep it longer than needed. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** Where the key came from, safe to log. */
    public String source() {
        return source;
    }

    /** Constant-time comparison, so the comparison itself leaks nothing through timing. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterKey other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.length;
    }

    @Override
    public String toString() {
        return "ClusterKey[" + bytes.length + " bytes from " + source + ", redacted]";
    }
}
