package dev.baton.election.tools;

import dev.baton.election.ElectionConfig;
import dev.baton.election.ElectionListener;
import dev.baton.election.ElectionNode;
import dev.baton.election.Member;
import dev.baton.election.NodeStatus;
import dev.baton.election.Timings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one {@link ElectionNode} as its own JVM, driven through stdin and observed through stdout, so tests and
 * benchmarks can kill -9, SIGSTOP and restart real processes.
 *
 * <pre>
 * args:   --id N --members 1=127.0.0.1:P1,2=127.0.0.1:P2,... [--witness 3[,4]] --data DIR --key-file F
 *         [--cluster NAME] [--max-print-bytes N] [--follower-timeout MS]
 * stdout: EVT &lt;epochMillis&gt; &lt;nanoTime&gt; READY | CLOSED | GAINED term | LOST term | LEADER id term
 *                                           | COMMIT index term data | SNAPSHOT index | FAILED reason
 *         ACK index text | NACK text reason | STREAM-END prefix appended
 *         STATUS role term leader commit leading=bool | BENCH p50=us p99=us throughput=ops/s | ERROR reason
 * stdin:  append TEXT | stream PREFIX COUNT | status | bench COUNT BYTES CONCURRENCY | quit
 * </pre>
 *
 * <p>The key file holds the raw cluster key (at least 16 bytes). Every line is written whole and flushed, so a
 * line the parent has read was printed before the process went on. {@code nanoTime} is CLOCK_MONOTONIC on
 * Linux, comparable across processes of one machine. {@code --max-print-bytes} caps the data printed per
 * COMMIT (the benchmark uses it so 1 KiB entries do not flood the pipes); unlimited by default.
 */
public final class ClusterNodeMain {
    private static final long BENCH_TIMEOUT_SECONDS = 120;

    private final PrintStream out;
    private final ElectionNode node;
    private final int maxPrintBytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClusterNodeMain(PrintStream out, Options o) throws IOException {
        this.out = out;
        this.maxPrintBytes = o.maxPrintBytes;
        byte[] key = Files.readAllBytes(o.keyFile);
        Timings t = Timings.DEFAULTS;
        if (o.followerTimeoutMillis > 0) {
            t = new Timings(t.tickMillis(), t.heartbeatMillis(), o.followerTimeoutMillis, t.driftMargin(),
                    t.candidateRetryMillis(), t.holdDownMillis());
        }
        ElectionConfig config = new ElectionConfig(o.cluster, o.id, o.members, t);
        this.node = ElectionNode.builder(config)
                .dataDirectory(o.data)
                .clusterKey(key)
                .listener(new PrintingListener())
                .start();
        Arrays.fill(key, (byte) 0);
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("usage error: " + e.getMessage());
            System.exit(2);
            return;
        }
        ClusterNodeMain main = new ClusterNodeMain(out, options);
        // SIGTERM: resign and close, so followers are released rather than waiting for the lease.
        Runtime.getRuntime().addShutdownHook(new Thread(main::close, "cluster-node-shutdown"));
        main.event("READY");
        main.watchForFailure();
        main.readCommands(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        main.close();
        System.exit(0);
    }

    // ------------------------------------------------------------------ output

    private void line(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    private void event(String text) {
        line("EVT " + System.currentTimeMillis() + " " + System.nanoTime() + " " + text);
    }

    private final class PrintingListener implements ElectionListener {
        @Override
        public void onGainedLeadership(long term) {
            event("GAINED " + term);
        }

        @Override
        public void onLostLeadership(long term) {
            event("LOST " + term);
        }

        @Override
        public void onLeaderChanged(int leaderId, long term) {
            event("LEADER " + leaderId + " " + term);
        }

        @Override
        public void onCommit(long index, long term, byte[] data) {
            String text = data.length > maxPrintBytes
                    ? new String(data, 0, maxPrintBytes, StandardCharsets.UTF_8) + "...(" + data.length + " bytes)"
                    : new String(data, StandardCharsets.UTF_8);
            event("COMMIT " + index + " " + term + " " + text);
        }

        @Override
        public void onSnapshot(long index, long term, byte[] data) {
            event("SNAPSHOT " + index);
        }
    }

    private void watchForFailure() {
        Thread t = new Thread(() -> {
            while (!closed.get()) {
                Throwable f = node.failure();
                if (f != null) {
                    event("FAILED " + oneLine(String.valueOf(f.getMessage())));
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cluster-node-failure-watch");
        t.setDaemon(true);
        t.start();
    }

    // ------------------------------------------------------------------ commands

    private void readCommands(BufferedReader in) throws IOException {
        for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
            String cmd = raw.strip();
            if (cmd.isEmpty()) continue;
            String[] parts = cmd.split(" ", 2);
            try {
                switch (parts[0]) {
                    case "append" -> append(parts.length > 1 ? parts[1] : "");
                    case "stream" -> {
                        String[] a = args(parts, 2);
                        background("stream", () -> stream(a[0], Integer.parseInt(a[1])));
                    }
                    case "status" -> status();
                    case "bench" -> {
                        String[] a = args(parts, 3);
                        int count = Integer.parseInt(a[0]);
                        int bytes = Integer.parseInt(a[1]);
                        int concurrency = Integer.parseInt(a[2]);
                        background("bench", () -> bench(count, bytes, concurrency));
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> line("ERROR unknown command: " + parts[0]);
                }
            } catch (IllegalArgumentException e) {
                line("ERROR " + parts[0] + ": " + oneLine(String.valueOf(e.getMessage())));
            }
        }
    }

    private static String[] args(String[] parts, int n) {
        String[] a = parts.length > 1 ? parts[1].strip().split("\\s+") : new String[0];
        if (a.length != n) throw new IllegalArgumentException("expected " + n + " arguments, got " + a.length);
        return a;
    }

    private void background(String name, Runnable task) {
        Thread t = new Thread(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                line("ERROR " + name + ": " + oneLine(String.valueOf(e)));
            }
        }, "cluster-node-" + name);
        t.setDaemon(true);
        t.start();
    }

    private CompletableFuture<Long> append(String text) {
        CompletableFuture<Long> f;
        try {
            f = node.append(text.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.whenComplete((index, error) -> {
            if (error == null) line("ACK " + index + " " + text);
            else line("NACK " + text + " " + oneLine(reason(error)));
        });
    }

    /** Appends one after another, each once the previous is acknowledged; stops at the first failure. */
    private void stream(String prefix, int count) {
        int appended = 0;
        for (int i = 0; i < count; i++) {
            try {
                append(prefix + "-" + i).get();
                appended++;
            } catch (ExecutionException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        line("STREAM-END " + prefix + " " + appended);
    }

    private void status() {
        NodeStatus s = node.status();
        line("STATUS " + s.role() + " " + s.term() + " " + s.leaderId() + " " + s.commitIndex()
                + " leading=" + node.isLeader());
    }

    /** Commit latency (submit to future completion) and throughput with at most {@code concurrency} in flight. */
    private void bench(int count, int bytes, int concurrency) {
        if (count < 1 || bytes < 1 || concurrency < 1) throw new IllegalArgumentException("arguments must be positive");
        long[] latencies = new long[count];
        Semaphore window = new Semaphore(concurrency);
        List<CompletableFuture<Long>> all = new ArrayList<>(count);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                if (!window.tryAcquire(BENCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    line("ERROR bench: no ack within " + BENCH_TIMEOUT_SECONDS + " s");
                    return;
                }
                byte[] data = payload(i, bytes);
                int slot = i;
                long sent = System.nanoTime();
                all.add(node.append(data).whenComplete((index, error) -> {
                    latencies[slot] = System.nanoTime() - sent;
                    window.release();
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(BENCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            line("ERROR bench: " + oneLine(reason(e)));
            return;
        }
        long elapsed = System.nanoTime() - start;
        Arrays.sort(latencies);
        line("BENCH p50=" + latencies[count / 2] / 1000 + " p99=" + latencies[(int) Math.min(count - 1, count * 99L / 100)]
                / 1000 + " throughput=" + Math.round(count / (elapsed / 1e9)));
    }

    private static byte[] payload(int i, int bytes) {
        byte[] data = new byte[bytes];
        Arrays.fill(data, (byte) 'x');
        byte[] tag = ("bench-" + i + "-").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, data, 0, Math.min(tag.length, bytes));
        return data;
    }

    private static String reason(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * Synchronized so that the shutdown hook (SIGTERM) waits for a close already begun by the main thread (stdin
     * closed): the JVM halts when its hooks return, and a half-done close would not release the followers.
     */
    private synchronized void close() {
        if (closed.compareAndSet(false, true)) {
            node.close();
            event("CLOSED");
        }
    }

    // ------------------------------------------------------------------ arguments

    private record Options(int id, List<Member> members, Path data, Path keyFile, String cluster, int maxPrintBytes,
                           long followerTimeoutMillis) {
        static Options parse(String[] args) {
            Integer id = null;
            String members = null;
            Set<Integer> witnesses = new HashSet<>();
            Path data = null;
            Path keyFile = null;
            String cluster = "baton-test";
            int maxPrintBytes = Integer.MAX_VALUE;
            long followerTimeoutMillis = 0;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
                String value = args[++i];
                switch (flag) {
                    case "--id" -> id = Integer.parseInt(value);
                    case "--members" -> members = value;
                    case "--witness" -> {
                        for (String w : value.split(",")) witnesses.add(Integer.parseInt(w.strip()));
                    }
                    case "--data" -> data = Path.of(value);
                    case "--key-file" -> keyFile = Path.of(value);
                    case "--cluster" -> cluster = value;
                    case "--max-print-bytes" -> maxPrintBytes = Integer.parseInt(value);
                    case "--follower-timeout" -> followerTimeoutMillis = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (id == null || members == null || data == null || keyFile == null) {
                throw new IllegalArgumentException("--id, --members, --data and --key-file are required");
            }
            return new Options(id, parseMembers(members, witnesses), data, keyFile, cluster, maxPrintBytes,
                    followerTimeoutMillis);
        }

        private static List<Member> parseMembers(String spec, Set<Integer> witnesses) {
            List<Member> list = new ArrayList<>();
            for (String m : spec.split(",")) {
                String[] idAddr = m.strip().split("=", 2);
                if (idAddr.length != 2) throw new IllegalArgumentException("member is not id=host:port: " + m);
                int colon = idAddr[1].lastIndexOf(':');
                if (colon < 0) throw new IllegalArgumentException("member address has no port: " + m);
                int memberId = Integer.parseInt(idAddr[0]);
                list.add(new Member(memberId, idAddr[1].substring(0, colon),
                        Integer.parseInt(idAddr[1].substring(colon + 1)), witnesses.contains(memberId)));
            }
            return list;
        }
    }
}
