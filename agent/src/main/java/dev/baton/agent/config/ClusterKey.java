package dev.baton.agent.config;

/**
 * The shared secret that authenticates cluster traffic (HMAC-SHA256 key): a {@link Secret} of at least
 * {@link #MIN_BYTES} bytes. Its {@link #toString()} never shows the bytes, so a config logged whole does not leak it.
 */
public final class ClusterKey {
    /** HMAC-SHA256 keys shorter than the hash output (32 bytes) weaken it (RFC 2104 section 3). */
    public static final int MIN_BYTES = 32;

    private final Secret secret;

    /** {@code source} says where the key came from, for messages ("file /etc/baton/cluster.key"). */
    public ClusterKey(byte[] bytes, String source) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("cluster key has " + bytes.length + " bytes; at least " + MIN_BYTES + " required");
        }
        this.secret = new Secret(bytes, source);
    }

    /** A copy of the key bytes; the caller should not keep it longer than needed. */
    public byte[] bytes() {
        return secret.bytes();
    }

    public int length() {
        return secret.length();
    }

    /** Where the key came from, safe to log. */
    public String source() {
        return secret.source();
    }

    /** Constant-time comparison (see {@link Secret#equals}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterKey other && secret.equals(other.secret);
    }

    @Override
    public int hashCode() {
        return secret.hashCode();
    }

    @Override
    public String toString() {
        return "ClusterKey[" + length() + " bytes from " + source() + ", redacted]";
    }
}
