package dev.baton.agent.dns;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.xbill.DNS.Type;

/**
 * Load benchmark of the embedded DNS server (not a test; results go in docs/BENCHMARKS.md).
 *
 * <ol>
 *   <li>the answerer alone, one thread: nanoseconds per query from bytes in to bytes out, through the full
 *   path ({@code answer(...).toWire}) and through the server's fast path ({@code answerInto}, cached bytes);</li>
 *   <li>UDP over loopback with synchronous clients: queries per second, latency percentiles, and the CPU time
 *   of the server's UDP threads per answered query (the figure DESIGN.md compares with Knot DNS).</li>
 * </ol>
 *
 * <p>Usage: {@code DnsLoadBench [seconds=10] [clients=2]}. Every loop is bounded in time and count.
 */
public final class DnsLoadBench {

    private static final long MAX_QUERIES = 20_000_000;
    private static final int MAX_LATENCY_MICROS = 100_000;
    private static final String[][] QUERIES = {
        {"db.svc.example.com.", "A"}, {"v6.svc.example.com.", "AAAA"}, {"web.svc.example.com.", "A"},
        {"nope.svc.example.com.", "A"}, {"db.svc.example.com.", "AAAA"},
    };

    private DnsLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        AtomicReference<AnswerTable> table = new AtomicReference<>(TestZones.table());
        DnsAnswerer answerer = new DnsAnswerer(table::get, Currentness.ALWAYS, WhenIsolated.SERVFAIL);
        byte[][] wires = new byte[QUERIES.length][];
        for (int i = 0; i < QUERIES.length; i++) {
            wires[i] = TestClient.query(QUERIES[i][0], Type.value(QUERIES[i][1])).toWire();
        }

        benchAnswerer(answerer, wires, 2); // warm-up
        double nanosPerQuery = benchAnswerer(answerer, wires, Math.max(1, seconds / 2));
        System.out.printf("answerer alone: %.0f ns per query (bytes in, bytes out, one thread)%n", nanosPerQuery);
        benchAnswerInto(answerer, wires, 2); // warm-up
        double fastNanos = benchAnswerInto(answerer, wires, Math.max(1, seconds / 2));
        System.out.printf("answerInto (fast path): %.0f ns per query (one thread)%n", fastNanos);

        try (DnsServer server = new DnsServer(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                answerer, DnsServerOptions.DEFAULTS)) {
            server.start();
            InetSocketAddress address = server.boundAddresses().get(0);
            runUdp(address, wires, clients, 2); // warm-up
            long cpuBefore = serverUdpCpuNanos();
            long answeredBefore = server.stats().totalResponses();
            Result r = runUdp(address, wires, clients, seconds);
            long cpu = serverUdpCpuNanos() - cpuBefore;
            long answered = server.stats().totalResponses() - answeredBefore;
            System.out.printf("UDP loopback, %d synchronous clients, %d s: %d answered, %.0f queries/s, "
                            + "%d timeouts%n", clients, seconds, r.answered, r.answered / (double) seconds, r.timeouts);
            System.out.printf("latency p50 %d us, p99 %d us, p99.9 %d us%n",
                    r.percentile(0.50), r.percentile(0.99), r.percentile(0.999));
            System.out.printf("server UDP threads: %.2f us CPU per answered query%n", cpu / 1000.0 / Math.max(1, answered));
        }
    }

    private static double benchAnswerer(DnsAnswerer answerer, byte[][] wires, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long n = 0;
        long sink = 0;
        long start = System.nanoTime();
        while (n < MAX_QUERIES && ((n & 1023) != 0 || System.nanoTime() < deadline)) {
            byte[] q = wires[(int) (n % wires.length)];
            sink += answerer.answer(q, 0, q.length).toWire(DnsTransport.UDP).length;
            n++;
        }
        if (sink == 42) System.out.print(""); // keep the work observable
        return (System.nanoTime() - start) / (double) n;
    }

    private static double benchAnswerInto(DnsAnswerer answerer, byte[][] wires, int seconds) {
        byte[] out = new byte[DnsReply.MAX_TCP_BYTES];
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long n = 0;
        long sink = 0;
        long start = System.nanoTime();
        while (n < MAX_QUERIES && ((n & 1023) != 0 || System.nanoTime() < deadline)) {
            byte[] q = wires[(int) (n % wires.length)];
            sink += answerer.answerInto(q, 0, q.length, DnsTransport.UDP, out, 0);
            n++;
        }
        if (sink == 42) System.out.print(""); // keep the work observable
        return (System.nanoTime() - start) / (double) n;
    }

    private static Result runUdp(InetSocketAddress address, byte[][] wires, int clients, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long perClient = MAX_QUERIES / clients;
        Result total = new Result();
        LongAdder failures = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int offset = c;
            Thread t = new Thread(() -> {
                Result mine = new Result();
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address.getAddress(), 0))) {
                    s.connect(address);
                    s.setSoTimeout(1000);
                    byte[] buf = new byte[2048];
                    DatagramPacket in = new DatagramPacket(buf, buf.length);
                    for (long i = 0; i < perClient && System.nanoTime() < deadline; i++) {
                        byte[] q = wires[(int) ((i + offset) % wires.length)];
                        long sent = System.nanoTime();
                        s.send(new DatagramPacket(q, q.length));
                        try {
                            in.setData(buf);
                            s.receive(in);
                            mine.record((System.nanoTime() - sent) / 1000);
                        } catch (SocketTimeoutException e) {
                            mine.timeouts++;
                        }
                    }
                } catch (IOException e) {
                    failures.increment();
                }
                synchronized (total) {
                    total.merge(mine);
                }
            }, "bench-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        if (failures.sum() > 0) System.out.println(failures.sum() + " client(s) failed");
        return total;
    }

    private static long serverUdpCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("baton-dns-udp-")) {
                long cpu = mx.getThreadCpuTime(t.getId());
                if (cpu > 0) sum += cpu;
            }
        }
        return sum;
    }

    private static final class Result {
        final long[] latencyMicros = new long[MAX_LATENCY_MICROS + 1];
        long answered;
        long timeouts;

        void record(long micros) {
            latencyMicros[(int) Math.min(MAX_LATENCY_MICROS, Math.max(0, micros))]++;
            answered++;
        }

        void merge(Result other) {
            for (int i = 0; i < latencyMicros.length; i++) latencyMicros[i] += other.latencyMicros[i];
            answered += other.answered;
            timeouts += other.timeouts;
        }

        long percentile(double p) {
            long target = (long) Math.ceil(p * answered);
            long seen = 0;
            for (int i = 0; i < latencyMicros.length; i++) {
                seen += latencyMicros[i];
                if (seen >= target && seen > 0) return i;
            }
            return MAX_LATENCY_MICROS;
        }
    }
}
