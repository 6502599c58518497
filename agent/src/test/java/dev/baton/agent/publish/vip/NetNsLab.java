package dev.baton.agent.publish.vip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Ethernet segment made of Linux network namespaces, for tests and benches that need real interfaces
 * without touching the host's: one namespace per host, each with {@code eth0} (a veth) plugged into a bridge
 * that lives in a namespace of its own. Addresses come from TEST-NET-1 ({@code 192.0.2.0/24}, RFC 5737) and the
 * documentation prefix ({@code 2001:db8::/64}, RFC 3849) and exist only inside these namespaces: nothing is
 * routed from or to the host. Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and iproute2.
 *
 * <p>Names are unique per process and per lab ({@code btn<pid><letter>-<host>}), so parallel runs never collide;
 * {@link #close()} stops every process started here and deletes every namespace (which deletes the veths and the
 * bridge with them), also after a failed {@link #create}. Namespaces left by a killed JVM are removed by the
 * next {@link #create} ({@link #removeStale()}).
 *
 * <pre>{@code
 * try (NetNsLab lab = NetNsLab.create("n1", "n2", "client")) {
 *     lab.execOk("n1", "ip", "addr", "add", "192.0.2.100/24", "dev", "eth0");
 *     Process p = lab.startProcess("client", List.of("curl", "-s", "http://192.0.2.100/"));
 * }
 * }</pre>
 */
public final class NetNsLab implements AutoCloseable {
    public static final String INTERFACE = "eth0";
    public static final int PREFIX_V4 = 24;
    public static final int PREFIX_V6 = 64;
    public static final Duration EXEC_TIMEOUT = Duration.ofSeconds(20);
    private static final String PREFIX = "btn";
    private static final Pattern OURS = Pattern.compile("^" + PREFIX + "(\\d+)[a-z]-\\S+");
    private static final AtomicInteger LABS = new AtomicInteger();

    private final String id;
    private final String bridgeNamespace;
    private final Map<String, Integer> hostIndex = new LinkedHashMap<>();
    private final List<String> createdNamespaces = new ArrayList<>();
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    /** Cleans up when the JVM is stopped (SIGTERM, Ctrl-C) before close: keepalived would outlive it otherwise. */
    private final Thread shutdownHook = new Thread(this::cleanUp, "netns-lab-cleanup");

    private NetNsLab(String id) {
        this.id = id;
        this.bridgeNamespace = id + "-br";
    }

    /**
     * Creates one namespace per host name (short names: letters and digits, e.g. {@code n1}, {@code client}),
     * host i (from 1) with {@code 192.0.2.i/24} and {@code 2001:db8::i/64} on {@code eth0}, links up, loopback up.
     * Blocks for a second or so. On failure everything created so far is removed before the exception.
     */
    public static NetNsLab create(String... hosts) throws IOException, InterruptedException {
        if (hosts.length == 0 || hosts.length > 200) throw new IllegalArgumentException("1..200 hosts");
        removeStale();
        int n = LABS.getAndIncrement();
        String id = PREFIX + ProcessHandle.current().pid() + (char) ('a' + n % 26);
        NetNsLab lab = new NetNsLab(id);
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        try {
            lab.build(hosts);
            return lab;
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build(String[] hosts) throws IOException, InterruptedException {
        addNamespace(bridgeNamespace);
        hostOk("ip", "-n", bridgeNamespace, "link", "add", "br0", "type", "bridge");
        hostOk("ip", "-n", bridgeNamespace, "link", "set", "br0", "up");
        int index = 1;
        for (String host : hosts) {
            if (!host.matches("[a-z][a-z0-9]{0,9}")) throw new IllegalArgumentException("host name: " + host);
            if (hostIndex.putIfAbsent(host, index) != null) throw new IllegalArgumentException("duplicate host " + host);
            String ns = namespace(host);
            addNamespace(ns);
            String port = "p" + index;
            hostOk("ip", "link", "add", INTERFACE, "netns", ns, "type", "veth", "peer", "name", port, "netns", bridgeNamespace);
            hostOk("ip", "-n", bridgeNamespace, "link", "set", port, "master", "br0", "up");
            hostOk("ip", "-n", ns, "link", "set", "lo", "up");
            // nodad: the lab's own addresses are unique by construction, and usable at once.
            hostOk("ip", "-n", ns, "addr", "add", ipv4(host).getHostAddress() + "/" + PREFIX_V4, "dev", INTERFACE);
            hostOk("ip", "-n", ns, "addr", "add", ipv6(host).getHostAddress() + "/" + PREFIX_V6, "dev", INTERFACE, "nodad");
            hostOk("ip", "-n", ns, "link", "set", INTERFACE, "up");
            index++;
        }
    }

    /** The namespace of {@code host}, for {@code ip netns exec} / {@code ip -n}. */
    public String namespace(String host) {
        if (!hostIndex.containsKey(host)) throw new IllegalArgumentException("no host " + host + " in " + hostIndex.keySet());
        return id + "-" + host;
    }

    public List<String> hosts() {
        return List.copyOf(hostIndex.keySet());
    }

    /** {@code 192.0.2.i}, host i counted from 1 in creation order. */
    public InetAddress ipv4(String host) {
        return literal("192.0.2." + index(host));
    }

    /** {@code 2001:db8::i}. */
    public InetAddress ipv6(String host) {
        return literal("2001:db8::" + Integer.toHexString(index(host)));
    }

    /** An address in the lab's IPv4 subnet that no host has ({@code 192.0.2.100 + k}, k in 0..99). */
    public InetAddress spareIpv4(int k) {
        if (k < 0 || k > 99) throw new IllegalArgumentException("k " + k);
        return literal("192.0.2." + (100 + k));
    }

    /** An address in the lab's IPv6 prefix that no host has ({@code 2001:db8::1:k}). */
    public InetAddress spareIpv6(int k) {
        return literal("2001:db8::1:" + Integer.toHexString(k));
    }

    /** {@code host}'s MAC address on {@code eth0}, lower case. */
    public String mac(String host) throws IOException, InterruptedException {
        String out = execOk(host, "cat", "/sys/class/net/" + INTERFACE + "/address");
        return out.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code command} prefixed so it runs inside {@code host}'s namespace. */
    public List<String> inNamespace(String host, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        full.addAll(command);
        return full;
    }

    /** Runs {@code command} in {@code host}'s namespace, waits at most {@link #EXEC_TIMEOUT}. */
    public ExecResult exec(String host, String... command) throws IOException, InterruptedException {
        return run(inNamespace(host, List.of(command)), EXEC_TIMEOUT);
    }

    /** {@link #exec} that throws, with the command's standard error, unless it exits 0; returns standard output. */
    public String execOk(String host, String... command) throws IOException, InterruptedException {
        ExecResult result = exec(host, command);
        if (result.exitCode() != 0) throw new IOException(result.describe());
        return result.stdout();
    }

    /**
     * Starts {@code command} in {@code host}'s namespace and returns at once; the lab destroys it (and its
     * descendants) on close if it still runs. Standard output and error are pipes for the caller to read.
     */
    public Process startProcess(String host, List<String> command) throws IOException {
        Process process = new ProcessBuilder(inNamespace(host, command)).start();
        processes.add(process);
        return process;
    }

    /**
     * Starts {@code command} in {@code host}'s namespace with standard output and error appended to {@code log}
     * (so nobody has to read them), standard input an open pipe (close {@link Process#getOutputStream()} to
     * signal EOF). Destroyed on close like {@link #startProcess(String, List)}.
     */
    public Process startProcess(String host, List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(inNamespace(host, command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(process);
        return process;
    }

    /**
     * Takes {@code host}'s {@code eth0} down ({@code false}: no frame in or out, as a node that lost power or its
     * cable) or up again. Its addresses stay configured.
     */
    public void setLinkUp(String host, boolean up) throws IOException, InterruptedException {
        execOk(host, "ip", "link", "set", INTERFACE, up ? "up" : "down");
    }

    /**
     * Starts a JVM in {@code host}'s namespace running {@code mainClass} from this JVM's class path (the same
     * java binary), as {@link #startProcess}.
     */
    public Process startJava(String host, Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return startProcess(host, command);
    }

    /** Stops every process started here (SIGKILL, with descendants) and deletes every namespace. Never throws. */
    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running or ran
        }
    }

    private synchronized void cleanUp() {
        synchronized (processes) {
            for (Process p : processes) {
                List<ProcessHandle> descendants = p.descendants().toList();
                p.destroyForcibly();
                descendants.forEach(ProcessHandle::destroyForcibly);
            }
            for (Process p : processes) {
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (int i = createdNamespaces.size() - 1; i >= 0; i--) deleteNamespace(createdNamespaces.get(i));
        createdNamespaces.clear();
    }

    /**
     * Fails, naming the missing program and its Debian package, unless each program is on PATH or in an sbin
     * directory. Tests call it first, so a missing tool is a clear failure rather than a timeout later.
     */
    public static void requireTools(String... programs) throws IOException {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String program : programs) {
            boolean found = java.util.Arrays.stream(path.split(":")).filter(d -> !d.isEmpty())
                    .anyMatch(d -> java.nio.file.Files.isExecutable(Path.of(d, program)));
            if (!found) {
                String pkg = switch (program) {
                    case "ip" -> "iproute2";
                    case "sysctl" -> "procps";
                    default -> program;
                };
                throw new IOException(program + " is not installed: this test needs Debian package '" + pkg + "'");
            }
        }
    }

    /** Deletes namespaces of earlier labs whose process is gone (a JVM killed before its close ran). */
    public static void removeStale() throws IOException, InterruptedException {
        ExecResult list = run(List.of("ip", "netns", "list"), EXEC_TIMEOUT);
        if (list.exitCode() != 0) throw new IOException(list.describe() + " (install iproute2; run as root)");
        for (String line : list.stdout().split("\n")) {
            Matcher m = OURS.matcher(line.strip());
            if (!m.find()) continue;
            long pid = Long.parseLong(m.group(1));
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
            deleteNamespace(line.strip().split("\\s+")[0]);
        }
    }

    private int index(String host) {
        Integer i = hostIndex.get(host);
        if (i == null) throw new IllegalArgumentException("no host " + host + " in " + hostIndex.keySet());
        return i;
    }

    private void addNamespace(String ns) throws IOException, InterruptedException {
        hostOk("ip", "netns", "add", ns);
        createdNamespaces.add(ns);
    }

    private static void deleteNamespace(String ns) {
        try {
            run(List.of("ip", "netns", "del", ns), EXEC_TIMEOUT);
        } catch (IOException e) {
            // best effort: removeStale catches what is left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void hostOk(String... command) throws IOException, InterruptedException {
        ExecResult result = run(List.of(command), EXEC_TIMEOUT);
        if (result.exitCode() != 0) throw new IOException(result.describe());
    }

    static ExecResult run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + String.join(" ", command) + ": " + e.getMessage()
                    + " (NetNsLab needs root and iproute2)", e);
        }
        var out = new java.util.concurrent.CompletableFuture<String>();
        var err = new java.util.concurrent.CompletableFuture<String>();
        drain(p.getInputStream(), out);
        drain(p.getErrorStream(), err);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out after " + timeout.toMillis() + " ms");
        }
        try {
            return new ExecResult(command, p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new ExecResult(command, p.exitValue(), "", "");
        }
    }

    private static void drain(InputStream in, java.util.concurrent.CompletableFuture<String> into) {
        Thread t = new Thread(() -> {
            try (in) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                into.complete(b.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                into.complete("");
            }
        }, "netns-lab-output");
        t.setDaemon(true);
        t.start();
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** How a command ended. */
    public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {
        public String describe() {
            return String.join(" ", command) + " exited " + exitCode + (stderr.isBlank() ? "" : ": " + stderr.strip());
        }
    }
}
