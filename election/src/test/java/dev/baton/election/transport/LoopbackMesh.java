package dev.baton.election.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real TcpTransports on 127.0.0.1. Listeners are bound to port 0 first, so the members' addresses are known
 * before any transport starts and parallel builds never collide on a port.
 */
final class LoopbackMesh implements AutoCloseable {
    static final String CLUSTER = "test-cluster";
    static final byte[] KEY = "transport-test-key-0123456789".getBytes(StandardCharsets.UTF_8);
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final Map<Integer, InetSocketAddress> members = new HashMap<>();
    private final Map<Integer, ServerSocket> listeners = new HashMap<>();
    private final Map<Integer, TcpTransport> nodes = new ConcurrentHashMap<>();
    private final Map<Integer, Inbox> inboxes = new ConcurrentHashMap<>();
    private final Duration handshakeTimeout;

    LoopbackMesh(Duration handshakeTimeout, int... ids) {
        this.handshakeTimeout = handshakeTimeout;
        try {
            for (int id : ids) {
                ServerSocket listener = new ServerSocket();
                listener.setReuseAddress(true);
                listener.bind(new InetSocketAddress(LOOPBACK, 0));
                listeners.put(id, listener);
                members.put(id, new InetSocketAddress(LOOPBACK, listener.getLocalPort()));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    LoopbackMesh(int... ids) {
        this(TransportConfig.DEFAULT_HANDSHAKE_TIMEOUT, ids);
    }

    /** Adds a member nobody runs: port 1 on loopback refuses connections, so dials to it fail fast. */
    LoopbackMesh withAbsentMember(int id) {
        members.put(id, new InetSocketAddress(LOOPBACK, 1));
        return this;
    }

    TransportConfig config(int id) {
        return TransportConfig.of(CLUSTER, id, members, KEY).withHandshakeTimeout(handshakeTimeout);
    }

    /** Creates a node on its pre-bound listener, without starting it. */
    TcpTransport create(int id) {
        TcpTransport node = new TcpTransport(config(id), listeners.remove(id));
        nodes.put(id, node);
        inboxes.put(id, new Inbox());
        return node;
    }

    TcpTransport start(int id) {
        TcpTransport node = create(id);
        node.start(inboxes.get(id));
        return node;
    }

    /** Starts a fresh node that binds the member's configured port itself, as after a process restart. */
    TcpTransport restart(int id) {
        TcpTransport node = new TcpTransport(config(id));
        nodes.put(id, node);
        inboxes.put(id, new Inbox());
        node.start(inboxes.get(id));
        return node;
    }

    void stop(int id) {
        nodes.remove(id).close();
    }

    TcpTransport node(int id) {
        return nodes.get(id);
    }

    Inbox inbox(int id) {
        return inboxes.get(id);
    }

    int port(int id) {
        return members.get(id).getPort();
    }

    /** Both ends of every pair among {@code ids} are up on the lower id's dial. */
    boolean settled(int... ids) {
        for (int a : ids) {
            for (int b : ids) {
                if (a == b) {
                    continue;
                }
                TcpTransport node = nodes.get(a);
                if (node == null || node.connectionDialerId(b).orElse(Integer.MIN_VALUE) != Math.min(a, b)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        nodes.values().forEach(TcpTransport::close);
        listeners.values().forEach(TcpTransport::closeQuietly);
    }
}
