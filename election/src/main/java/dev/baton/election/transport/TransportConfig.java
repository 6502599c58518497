package dev.baton.election.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Configuration of a {@link TcpTransport}. The cluster key is copied in and out and never appears in
 * {@link #toString()}.
 *
 * @param clusterName           bound into every MAC, so two clusters sharing a key cannot talk to each other
 * @param selfId                this member's id; must be a key of {@code members}
 * @param members               every member's address, self included; self's entry is the listen address
 *                              (port 0 binds an ephemeral port, see {@link TcpTransport#localPort()}); peers are
 *                              always dialed at these configured addresses
 * @param clusterKey            shared HMAC-SHA256 key, at least {@value #MIN_KEY_BYTES} bytes
 * @param maxFrameBytes         cap on a frame's length prefix (the bytes after it)
 * @param connectTimeout        TCP connect timeout when dialing
 * @param handshakeTimeout      time allowed from TCP connect/accept to an authenticated connection
 * @param reconnectInitial      first cap of the full-jitter reconnect backoff
 * @param reconnectMax          largest cap of the backoff
 * @param sendQueueCapacity     payloads queued per peer before {@code send} drops with QUEUE_FULL
 */
public record TransportConfig(String clusterName, int selfId, Map<Integer, InetSocketAddress> members,
                              byte[] clusterKey, int maxFrameBytes, Duration connectTimeout,
                              Duration handshakeTimeout, Duration reconnectInitial, Duration reconnectMax,
                              int sendQueueCapacity) {

    public static final int MIN_KEY_BYTES = 16;
    public static final int DEFAULT_MAX_FRAME_BYTES = FrameCodec.DEFAULT_MAX_FRAME_BYTES;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RECONNECT_INITIAL = Duration.ofMillis(50);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(2);
    public static final int DEFAULT_SEND_QUEUE_CAPACITY = 4096;

    public TransportConfig {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(clusterKey, "clusterKey");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(reconnectInitial, "reconnectInitial");
        Objects.requireNonNull(reconnectMax, "reconnectMax");
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("clusterName must not be blank");
        }
        members.forEach((id, address) -> {
            Objects.requireNonNull(id, "member id");
            Objects.requireNonNull(address, () -> "address of member " + id);
        });
        if (!members.containsKey(selfId)) {
            throw new IllegalArgumentException("selfId " + selfId + " is not among the members " + members.keySet());
        }
        if (clusterKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("clusterKey must be at least " + MIN_KEY_BYTES + " bytes, got "
                    + clusterKey.length);
        }
        if (maxFrameBytes < FrameCodec.MIN_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be at least " + FrameCodec.MIN_MAX_FRAME_BYTES
                    + ", got " + maxFrameBytes);
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(handshakeTimeout, "handshakeTimeout");
        requirePositive(reconnectInitial, "reconnectInitial");
        requirePositive(reconnectMax, "reconnectMax");
        if (reconnectMax.compareTo(reconnectInitial) < 0) {
            throw new IllegalArgumentException("reconnectMax " + reconnectMax + " is below reconnectInitial "
                    + reconnectInitial);
        }
        if (sendQueueCapacity < 1) {
            throw new IllegalArgumentException("sendQueueCapacity must be at least 1, got " + sendQueueCapacity);
        }
        members = Map.copyOf(members);
        clusterKey = clusterKey.clone();
    }

    /** A configuration with every tunable at its default. */
    public static TransportConfig of(String clusterName, int selfId, Map<Integer, InetSocketAddress> members,
                                     byte[] clusterKey) {
        return new TransportConfig(clusterName, selfId, members, clusterKey, DEFAULT_MAX_FRAME_BYTES,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_RECONNECT_INITIAL,
                DEFAULT_RECONNECT_MAX, DEFAULT_SEND_QUEUE_CAPACITY);
    }

    public TransportConfig withHandshakeTimeout(Duration timeout) {
        return new TransportConfig(clusterName, selfId, members, clusterKey, maxFrameBytes, connectTimeout,
                timeout, reconnectInitial, reconnectMax, sendQueueCapacity);
    }

    public TransportConfig withMaxFrameBytes(int bytes) {
        return new TransportConfig(clusterName, selfId, members, clusterKey, bytes, connectTimeout,
                handshakeTimeout, reconnectInitial, reconnectMax, sendQueueCapacity);
    }

    public TransportConfig withSendQueueCapacity(int capacity) {
        return new TransportConfig(clusterName, selfId, members, clusterKey, maxFrameBytes, connectTimeout,
                handshakeTimeout, reconnectInitial, reconnectMax, capacity);
    }

    /** A copy of the key; callers may wipe it. */
    @Override
    public byte[] clusterKey() {
        return clusterKey.clone();
    }

    /** This member's listen address. */
    public InetSocketAddress listenAddress() {
        return members.get(selfId);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TransportConfig that
                && clusterName.equals(that.clusterName) && selfId == that.selfId && members.equals(that.members)
                && Arrays.equals(clusterKey, that.clusterKey) && maxFrameBytes == that.maxFrameBytes
                && connectTimeout.equals(that.connectTimeout) && handshakeTimeout.equals(that.handshakeTimeout)
                && reconnectInitial.equals(that.reconnectInitial) && reconnectMax.equals(that.reconnectMax)
                && sendQueueCapacity == that.sendQueueCapacity;
    }

    @Override
    public int hashCode() {
        // The key is left out on purpose: hash codes can end up in logs and heap dumps.
        return Objects.hash(clusterName, selfId, members, maxFrameBytes, connectTimeout, handshakeTimeout,
                reconnectInitial, reconnectMax, sendQueueCapacity);
    }

    @Override
    public String toString() {
        return "TransportConfig[clusterName=" + clusterName + ", selfId=" + selfId + ", members="
                + new TreeMap<>(members) + ", clusterKey=<redacted>, maxFrameBytes=" + maxFrameBytes
                + ", connectTimeout=" + connectTimeout + ", handshakeTimeout=" + handshakeTimeout
                + ", reconnectInitial=" + reconnectInitial + ", reconnectMax=" + reconnectMax
                + ", sendQueueCapacity=" + sendQueueCapacity + "]";
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }
}
