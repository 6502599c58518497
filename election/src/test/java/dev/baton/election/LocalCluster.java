package dev.baton.election;

import dev.baton.election.transport.TcpTransport;
import dev.baton.election.transport.TransportConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A cluster of {@link ElectionNode}s in this JVM on loopback, on ports bound before the config is written. */
final class LocalCluster implements AutoCloseable {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    final List<Member> members = new ArrayList<>();
    final Map<Integer, ServerSocket> sockets = new HashMap<>();
    final Map<Integer, ElectionNode> nodes = new HashMap<>();
    final Map<Integer, List<String>> events = new HashMap<>();
    final Path root;
    final Timings timings;

    LocalCluster(int size, Path root, Timings timings) {
        this.root = root;
        this.timings = timings;
        try {
            for (int id = 1; id <= size; id++) {
                ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                sockets.put(id, s);
                members.add(new Member(id, "127.0.0.1", s.getLocalPort(), false));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ElectionNode start(int id) {
        return start(id, timings);
    }

    /** Starts node {@code id} with its own timings (the others keep the cluster's). */
    ElectionNode start(int id, Timings own) {
        ElectionConfig config = new ElectionConfig("test", id, members, own);
        TransportConfig transportConfig = ElectionNode.transportConfig(config, KEY);
        ServerSocket socket = sockets.remove(id);
        TcpTransport transport = socket != null ? new TcpTransport(transportConfig, socket) : new TcpTransport(transportConfig);
        List<String> log = events.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
        ElectionNode node = ElectionNode.builder(config)
                .dataDirectory(root.resolve("node" + id))
                .transport(transport)
                .listener(new ElectionListener() {
                    @Override
                    public void onGainedLeadership(long term) {
                        log.add("gained " + term);
                    }

                    @Override
                    public void onLostLeadership(long term) {
                        log.add("lost " + term);
                    }

                    @Override
                    public void onCommit(long index, long term, byte[] data) {
                        log.add("commit " + index + " " + new String(data));
                    }

                    @Override
                    public void onMessage(int fromId, byte[] data) {
                        log.add("message " + fromId + " " + new String(data));
                    }
                })
                .start();
        nodes.put(id, node);
        return node;
    }

    ElectionNode leader() {
        for (ElectionNode n : nodes.values()) if (n.isLeader()) return n;
        return null;
    }

    List<String> commits(int id) {
        return events.get(id).stream().filter(s -> s.startsWith("commit")).toList();
    }

    void stop(int id) {
        ElectionNode n = nodes.remove(id);
        if (n != null) n.close();
    }

    @Override
    public void close() {
        for (ElectionNode n : List.copyOf(nodes.values())) n.close();
        for (ServerSocket s : sockets.values()) {
            try {
                s.close();
            } catch (IOException ignored) {
                // test cleanup
            }
        }
    }
}
