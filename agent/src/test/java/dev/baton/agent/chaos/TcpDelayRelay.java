package dev.baton.agent.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A userspace stand-in for {@code tc netem}, which the kernels here lack: a TCP relay that holds every chunk
 * it forwards for a one-way delay with jitter, in order (as TCP delivers), and turns loss into what loss
 * does to a TCP stream: with probability {@code loss} a chunk is "lost" and everything from it on waits
 * {@code stall} more (the sender's retransmission timeout: on Linux at least 200 ms, plus about a round trip).
 * It does not reorder, duplicate or drop bytes (TCP would not show those to the application either), and it
 * counts a chunk, not a packet: at Baton's message sizes a chunk is one message, which is one segment.
 *
 * <p>Run as a process inside a network namespace: {@code TcpDelayRelay listen=target ...} (each
 * {@code ip:port=ip:port}), prints {@code ready} once every listener is bound, then reads commands on standard
 * input: {@code delay <oneWayMs> <jitterMs> <lossPercent> <stallMs>} (applies to every link, both directions,
 * from the next chunk on), and end of input to stop. Each direction of each connection has its own queue.
 */
public final class TcpDelayRelay {
    private static final int CHUNK = 16 * 1024;

    /** The link model, replaced as a whole. */
    record Model(long delayNanos, long jitterNanos, double loss, long stallNanos) {
        static final Model NONE = new Model(0, 0, 0, 0);

        long holdNanos(ThreadLocalRandom rnd) {
            long jitter = jitterNanos == 0 ? 0 : (long) ((rnd.nextDouble() * 2 - 1) * jitterNanos);
            long stall = loss > 0 && rnd.nextDouble() < loss ? stallNanos : 0;
            return Math.max(0, delayNanos + jitter) + stall;
        }
    }

    private static volatile Model model = Model.NONE;

    private TcpDelayRelay() {
    }

    public static void main(String[] args) throws IOException {
        for (String arg : args) {
            String[] ends = arg.split("=");
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(parse(ends[0]));
            InetSocketAddress target = parse(ends[1]);
            daemon(() -> acceptLoop(server, target), "relay-" + arg);
        }
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("delay") && w.length == 5) {
                model = new Model(Long.parseLong(w[1]) * 1_000_000L, Long.parseLong(w[2]) * 1_000_000L,
                        Double.parseDouble(w[3]) / 100, Long.parseLong(w[4]) * 1_000_000L);
                System.out.println("ok " + model);
            } else {
                System.out.println("unknown command: " + line);
            }
            System.out.flush();
        }
        System.exit(0);
    }

    private static void acceptLoop(ServerSocket server, InetSocketAddress target) {
        while (true) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            daemon(() -> connect(client, target), "relay-connect");
        }
    }

    private static void connect(Socket client, InetSocketAddress target) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 2_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client, upstream);
            return;
        }
        pipe(client, upstream);
        pipe(upstream, client);
    }

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    /** One direction: a reader that stamps each chunk with its due time, a writer that sends it then. */
    private static void pipe(Socket from, Socket to) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        daemon(() -> {
            long lastDue = 0;
            try (InputStream in = from.getInputStream()) {
                byte[] buffer = new byte[CHUNK];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    long due = Math.max(lastDue, System.nanoTime() + model.holdNanos(ThreadLocalRandom.current()));
                    lastDue = due;
                    queue.add(new Chunk(due, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException e) {
                // the connection ended
            }
            queue.add(new Chunk(0, null));
        }, "relay-read");
        daemon(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk c = queue.take();
                    if (c.bytes() == null) break;
                    for (long wait; (wait = c.dueNanos() - System.nanoTime()) > 0; ) LockSupport.parkNanos(wait);
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
            closeQuietly(from, to);
        }, "relay-write");
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
