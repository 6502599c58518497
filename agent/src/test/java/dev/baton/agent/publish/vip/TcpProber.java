package dev.baton.agent.publish.vip;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client for namespace tests and benches: starts a TCP probe of {@code address:port} every
 * {@code intervalMillis}, without waiting for earlier ones (non-blocking sockets on one selector), so an outage
 * is resolved to the interval even though a failing probe takes its whole timeout. Each probe reads the
 * {@link NodeNameServer}'s answer; one line per probe on standard output, in completion order:
 * <pre>{@code <start, epoch ms> ok <name>}   or   {@code <start, epoch ms> fail <reason>}</pre>
 * Start times come from one monotonic clock anchored once to the wall clock, so they are comparable with each
 * other exactly. Exits when standard input closes or after {@code maxSeconds}.
 *
 * <p>Run: {@code ip netns exec NS java -cp CP dev.baton.agent.publish.vip.TcpProber ADDRESS PORT INTERVAL_MS
 * TIMEOUT_MS MAX_SECONDS}.
 */
public final class TcpProber {
    private record Probe(SocketChannel channel, long startNanos, ByteBuffer buffer) {
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long intervalNanos = Long.parseLong(args[2]) * 1_000_000;
        long timeoutNanos = Long.parseLong(args[3]) * 1_000_000;
        ExitWhenOrphaned.start(Long.parseLong(args[4]));
        long anchorNanos = System.nanoTime();
        long anchorMillis = System.currentTimeMillis();
        List<Probe> pending = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        try (Selector selector = Selector.open()) {
            long next = System.nanoTime();
            while (true) {
                long now = System.nanoTime();
                if (now >= next) {
                    next += intervalNanos;
                    if (next < now) next = now + intervalNanos; // we fell behind (a GC, a busy machine): skip, do not burst
                    SocketChannel channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    Probe probe = new Probe(channel, now, ByteBuffer.allocate(64));
                    pending.add(probe);
                    try {
                        if (channel.connect(target)) channel.register(selector, SelectionKey.OP_READ, probe);
                        else channel.register(selector, SelectionKey.OP_CONNECT, probe);
                    } catch (IOException e) {
                        finish(probe, pending, out, anchorNanos, anchorMillis, "fail " + e.getClass().getSimpleName());
                    }
                }
                selector.select(Math.max(1, (next - System.nanoTime()) / 1_000_000));
                for (SelectionKey key : selector.selectedKeys()) {
                    Probe probe = (Probe) key.attachment();
                    try {
                        if (key.isConnectable()) {
                            probe.channel().finishConnect();
                            key.interestOps(SelectionKey.OP_READ);
                        } else if (key.isReadable()) {
                            int n = probe.channel().read(probe.buffer());
                            String text = new String(probe.buffer().array(), 0, probe.buffer().position(), StandardCharsets.UTF_8);
                            if (n < 0 || text.indexOf('\n') >= 0) {
                                String name = text.strip();
                                finish(probe, pending, out, anchorNanos, anchorMillis, name.isEmpty() ? "fail empty" : "ok " + name);
                            }
                        }
                    } catch (IOException e) {
                        finish(probe, pending, out, anchorNanos, anchorMillis, "fail " + reason(e));
                    }
                }
                selector.selectedKeys().clear();
                long expiry = System.nanoTime() - timeoutNanos;
                for (Probe probe : List.copyOf(pending)) {
                    if (probe.startNanos() < expiry) finish(probe, pending, out, anchorNanos, anchorMillis, "fail timeout");
                }
                if (out.length() > 0) {
                    System.out.print(out);
                    System.out.flush();
                    out.setLength(0);
                }
            }
        }
    }

    private static void finish(Probe probe, List<Probe> pending, StringBuilder out, long anchorNanos, long anchorMillis,
                               String result) {
        pending.remove(probe);
        try {
            probe.channel().close();
        } catch (IOException e) {
            // closing a failed socket
        }
        long startMillis = anchorMillis + (probe.startNanos() - anchorNanos) / 1_000_000;
        out.append(startMillis).append(' ').append(result).append('\n');
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace(' ', '_');
    }
}
