package dev.baton.election.process;

import dev.baton.election.tools.ClusterNodeMain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A cluster of {@link ClusterNodeMain} JVMs on loopback, for tests and benchmarks of real processes: kill -9,
 * SIGSTOP/SIGCONT, restart on the same data directory, commands on stdin, and bounded waits for stdout lines.
 *
 * <p>Every node gets a free loopback port (bound then released, so another process could take it in between: a
 * node that cannot bind prints a stack trace to its stderr file and exits), a data directory
 * {@code root/node<id>} and the shared key file {@code root/cluster.key}. Each node's stderr goes to
 * {@code root/node<id>-<generation>.err}. {@link #close()} kills, by PID, every process this cluster started,
 * and nothing else; with {@code -Dprocess.cluster.dump=PREFIX} it first writes every stdout line it read to
 * {@code PREFIX-<nanoTime>.log}, for diagnosing a failed run.
 *
 * <p>Thread-safety: all methods may be called from any thread; waits block the caller, never longer than the
 * given bound, and fail with {@link IllegalStateException} listing each node's last lines when it passes.
 */
public final class ProcessCluster implements AutoCloseable {
    public static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    private static final int TAIL_LINES_IN_ERRORS = 15;

    private final Path root;
    private final Path keyFile;
    private final Map<Integer, Integer> ports = new TreeMap<>();
    private final Set<Integer> witnesses;
    private final List<String> jvmOptions;
    private final List<String> nodeOptions;
    private final Object lock = new Object(); // guards every line list; notified on each new line
    private final Map<Integer, NodeProcess> current = new TreeMap<>(); // guarded by lock
    private final List<OutputLine> allLines = new ArrayList<>(); // guarded by lock, in receipt order
    private final List<NodeProcess> started = new CopyOnWriteArrayList<>();

    /**
     * @param size        number of members, ids 1..size
     * @param root        an empty directory owned by the caller (data, key file, stderr files)
     * @param witnesses   ids that never lead
     * @param jvmOptions  options for each child JVM (heap, GC, JIT), before the class name
     * @param nodeOptions extra {@link ClusterNodeMain} arguments, e.g. {@code --max-print-bytes 64}
     */
    public ProcessCluster(int size, Path root, Set<Integer> witnesses, List<String> jvmOptions,
                          List<String> nodeOptions) {
        this.root = root;
        this.witnesses = Set.copyOf(witnesses);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.nodeOptions = List.copyOf(nodeOptions);
        this.keyFile = root.resolve("cluster.key");
        try {
            Files.createDirectories(root);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.write(keyFile, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<Integer> taken = new HashSet<>();
        for (int id = 1; id <= size; id++) {
            int port;
            do port = freeLoopbackPort(); while (!taken.add(port));
            ports.put(id, port);
        }
    }

    /** Small, quick-starting JVMs for tests: serial GC, C1 only, 64 MiB heap. */
    public static ProcessCluster forTests(int size, Path root) {
        return forTests(size, root, List.of());
    }

    /** Like {@link #forTests(int, Path)}, with extra {@link ClusterNodeMain} arguments for every node. */
    public static ProcessCluster forTests(int size, Path root, List<String> nodeOptions) {
        return new ProcessCluster(size, root, Set.of(),
                List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"), nodeOptions);
    }

    /** Deletes node {@code id}'s data directory (a lost disk); the node must not be running. */
    public void wipeDataDirectory(int id) {
        if (isAlive(id)) throw new IllegalStateException("node " + id + " is running");
        Path dir = dataDirectory(id);
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + dir, e);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Set<Integer> ids() {
        return ports.keySet();
    }

    public int port(int id) {
        return ports.get(id);
    }

    public Path dataDirectory(int id) {
        return root.resolve("node" + id);
    }

    /** The {@code --members} argument every node gets. */
    public String membersArgument() {
        StringJoiner j = new StringJoiner(",");
        ports.forEach((id, port) -> j.add(id + "=127.0.0.1:" + port));
        return j.toString();
    }

    // ------------------------------------------------------------------ lifecycle

    public void startAll() {
        for (int id : ports.keySet()) start(id);
    }

    /** Starts node {@code id} (a new generation if it ran before); it must not be running. */
    public NodeProcess start(int id) {
        synchronized (lock) {
            NodeProcess old = current.get(id);
            if (old != null && old.process.isAlive()) throw new IllegalStateException("node " + id + " is running");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ClusterNodeMain.class.getName());
        cmd.addAll(List.of("--id", String.valueOf(id), "--members", membersArgument(),
                "--data", dataDirectory(id).toString(), "--key-file", keyFile.toString()));
        if (!witnesses.isEmpty()) {
            StringJoiner w = new StringJoiner(",");
            for (int x : witnesses) w.add(String.valueOf(x));
            cmd.addAll(List.of("--witness", w.toString()));
        }
        cmd.addAll(nodeOptions);
        int generation;
        synchronized (lock) {
            NodeProcess old = current.get(id);
            generation = old == null ? 0 : old.generation + 1;
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectError(root.resolve("node" + id + "-" + generation + ".err").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id, e);
        }
        NodeProcess np = new NodeProcess(id, generation, p);
        started.add(np);
        synchronized (lock) {
            current.put(id, np);
        }
        Thread reader = new Thread(() -> readStdout(np), "process-cluster-node" + id + "-" + generation);
        reader.setDaemon(true);
        reader.start();
        return np;
    }

    private void readStdout(NodeProcess np) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(np.process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                OutputLine line = new OutputLine(np.id, np.generation, System.nanoTime(), s);
                synchronized (lock) {
                    np.lines.add(line);
                    allLines.add(line);
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process died; its pipe is gone
        } finally {
            synchronized (lock) {
                np.ended = true;
                lock.notifyAll();
            }
        }
    }

    /**
     * kill -9 (SIGKILL, also for a stopped process), then waits for it to exit and for its stdout to be read
     * to the end. Returns {@link System#nanoTime()} taken just before the signal.
     */
    public long kill(int id) {
        NodeProcess np = node(id);
        long at = System.nanoTime();
        np.process.destroyForcibly();
        awaitExit(np);
        return at;
    }

    /**
     * SIGTERM: the node resigns and closes gracefully. Waits for it to exit and for its last lines. Sent with
     * {@code kill -TERM}, because {@link Process#destroy()} also closes our end of its stdout at once.
     */
    public void terminate(int id) {
        NodeProcess np = node(id);
        signal(id, "-TERM");
        awaitExit(np);
    }

    private void awaitExit(NodeProcess np) {
        try {
            if (!np.process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("node " + np.id + " did not exit within " + EXIT_WAIT);
            }
            long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
            synchronized (lock) {
                while (!np.ended && System.nanoTime() < deadline) lock.wait(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGSTOP: the whole JVM freezes, sockets stay open (a GC pause or VM stall without end). */
    public void pause(int id) {
        signal(id, "-STOP");
    }

    /** SIGCONT. */
    public void resume(int id) {
        signal(id, "-CONT");
    }

    private void signal(int id, String signal) {
        long pid = node(id).process.pid();
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(pid)).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills the node if it runs, then starts it again on the same data directory and port. */
    public NodeProcess restart(int id) {
        if (node(id).process.isAlive()) kill(id);
        return start(id);
    }

    public boolean isAlive(int id) {
        return node(id).process.isAlive();
    }

    /** Kills, by PID, every process this cluster started that still runs. */
    @Override
    public void close() {
        String dump = System.getProperty("process.cluster.dump");
        if (dump != null) {
            try {
                StringBuilder b = new StringBuilder();
                for (OutputLine l : allLines()) {
                    b.append(l.receivedNanos()).append(" node").append(l.nodeId()).append('#')
                            .append(l.generation()).append(' ').append(l.text()).append('\n');
                }
                Files.writeString(Path.of(dump + "-" + System.nanoTime() + ".log"), b);
            } catch (IOException e) {
                // diagnostics only
            }
        }
        for (NodeProcess np : started) {
            if (np.process.isAlive()) np.process.destroyForcibly();
        }
        for (NodeProcess np : started) {
            try {
                np.process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ------------------------------------------------------------------ commands and output

    /** Writes one command line to the node's stdin (it is read even while the node is stopped, on resume). */
    public void send(int id, String command) {
        OutputStream in = node(id).process.getOutputStream();
        try {
            synchronized (in) {
                in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to node " + id, e);
        }
    }

    /** The node's current generation. */
    public NodeProcess node(int id) {
        synchronized (lock) {
            NodeProcess np = current.get(id);
            if (np == null) throw new IllegalStateException("node " + id + " was never started");
            return np;
        }
    }

    /** How many lines the node's current generation has printed so far: a start point for {@link #awaitFrom}. */
    public int mark(int id) {
        synchronized (lock) {
            return node(id).lines.size();
        }
    }

    /** A copy of the lines of the node's current generation. */
    public List<OutputLine> lines(int id) {
        synchronized (lock) {
            return List.copyOf(node(id).lines);
        }
    }

    /** A copy of every line of every generation of every node, in the order the parent read them. */
    public List<OutputLine> allLines() {
        synchronized (lock) {
            return List.copyOf(allLines);
        }
    }

    /** The first line of the node's current generation that matches. */
    public OutputLine await(int id, Predicate<OutputLine> match, Duration timeout) {
        return awaitFrom(id, 0, match, timeout);
    }

    /** The first line at or after {@code from} (see {@link #mark}) of the node's current generation that matches. */
    public OutputLine awaitFrom(int id, int from, Predicate<OutputLine> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            NodeProcess np = node(id);
            int i = from;
            while (true) {
                for (; i < np.lines.size(); i++) {
                    if (match.test(np.lines.get(i))) return np.lines.get(i);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || np.ended) throw timeout("node " + id + ": no matching line within " + timeout
                        + (np.ended ? " (its output ended)" : ""));
                waitOnLock(left);
            }
        }
    }

    /** The first line, from any node and generation, at or after {@code from} in {@link #allLines()}. */
    public OutputLine awaitAny(int from, Predicate<OutputLine> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            int i = from;
            while (true) {
                for (; i < allLines.size(); i++) {
                    if (match.test(allLines.get(i))) return allLines.get(i);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) throw timeout("no matching line from any node within " + timeout);
                waitOnLock(left);
            }
        }
    }

    /** The size of {@link #allLines()} now: a start point for {@link #awaitAny}. */
    public int globalMark() {
        synchronized (lock) {
            return allLines.size();
        }
    }

    /** Asks for {@code status} and returns the answer: {@code STATUS role term leader commit leading=bool}. */
    public OutputLine status(int id, Duration timeout) {
        int from = mark(id);
        send(id, "status");
        return awaitFrom(id, from, l -> l.startsWith("STATUS "), timeout);
    }

    private void waitOnLock(long nanos) {
        try {
            TimeUnit.NANOSECONDS.timedWait(lock, Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(200)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private IllegalStateException timeout(String what) {
        StringBuilder b = new StringBuilder(what);
        for (NodeProcess np : current.values()) {
            b.append("\n-- node ").append(np.id).append(" generation ").append(np.generation)
                    .append(np.process.isAlive() ? " (alive)" : " (exited)").append(", last lines:");
            List<OutputLine> ls = np.lines;
            for (int i = Math.max(0, ls.size() - TAIL_LINES_IN_ERRORS); i < ls.size(); i++) {
                b.append("\n   ").append(ls.get(i).text());
            }
        }
        return new IllegalStateException(b.toString());
    }

    /** One start of one node. */
    public static final class NodeProcess {
        public final int id;
        public final int generation;
        public final Process process;
        private final List<OutputLine> lines = new ArrayList<>(); // guarded by the cluster's lock
        private boolean ended; // guarded by the cluster's lock

        private NodeProcess(int id, int generation, Process process) {
            this.id = id;
            this.generation = generation;
            this.process = process;
        }

        public long pid() {
            return process.pid();
        }
    }
}
