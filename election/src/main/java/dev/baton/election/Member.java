package dev.baton.election;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A member of the static cluster. Ids are positive; a lower id is preferred as leader (bully rule). A
 * {@code witness} votes, acknowledges and stores the log but never leads: a tie-breaker in a third zone.
 */
public record Member(int id, String host, int port, boolean witness) {
    public Member {
        if (id < 1) throw new IllegalArgumentException("member id must be positive: " + id);
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }
}
