package dev.baton.agent.publish.vip;

import dev.baton.agent.config.publish.VipConfig;
import dev.baton.agent.publish.PublishException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Tells the link that the VIP moved here, so neighbours stop sending to the previous holder's MAC address.
 * <ul>
 *   <li>IPv4: {@value #ANNOUNCEMENTS} gratuitous ARP requests, {@value #INTERVAL_MILLIS} ms apart, sent by
 *   {@code arping} in the background so a reconcile does not wait for them; its result is collected on the next
 *   call.</li>
 *   <li>IPv6: the kernel sends an unsolicited neighbour advertisement to all-nodes when duplicate address
 *   detection completes, but only where {@code net.ipv6.conf.<if>.ndisc_notify} is 1 (Linux
 *   {@code addrconf_dad_completed}); {@link #prepare()} sets it before the address is added. Java cannot send
 *   ICMPv6 itself and Debian ships no maintained tool for an unsolicited advertisement.</li>
 * </ul>
 * Not thread-safe: the publisher calls it under its own lock.
 */
final class NeighbourAnnouncer {
    static final int ANNOUNCEMENTS = 3;
    static final int INTERVAL_MILLIS = 100;
    /** An arping still running after this long is stuck (iputils takes about {@code ANNOUNCEMENTS} seconds). */
    static final Duration ANNOUNCEMENT_LIMIT = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final String INSTALL_ARPING = "install Debian package 'arping' (Thomas Habets' arping) or "
            + "'iputils-arping'";
    private static final Logger log = LoggerFactory.getLogger(NeighbourAnnouncer.class);

    private final CommandRunner runner;
    private final VipConfig config;
    private final String cidr;
    private ArpingFlavor flavor;
    private Process running;
    private long runningSinceNanos;

    NeighbourAnnouncer(CommandRunner runner, VipConfig config) {
        this.runner = runner;
        this.config = config;
        this.cidr = AddressText.cidr(config.address(), config.prefixLength());
    }

    boolean isIpv4() {
        return config.address() instanceof Inet4Address;
    }

    /**
     * Before the address is added. IPv6: makes sure {@code ndisc_notify} is 1 on the interface (needs
     * CAP_NET_ADMIN, like the address itself). IPv4: nothing (arping is looked for when announcing, so a
     * missing arping never keeps the address off).
     */
    void prepare() throws PublishException, InterruptedException {
        if (isIpv4()) return;
        // The slash form keeps dots in interface names (eth0.100) literal: sysctl(8).
        String key = "net/ipv6/conf/" + config.interfaceName() + "/ndisc_notify";
        CommandResult now = run(List.of("sysctl", "-n", key), "procps");
        if (!now.succeeded()) throw new PublishException(PublishException.Kind.CONFIGURATION, now.failure());
        if (now.stdout().strip().equals("1")) return;
        CommandResult set = run(List.of("sysctl", "-q", "-w", key + "=1"), "procps");
        if (!set.succeeded()) throw new PublishException(PublishException.Kind.CONFIGURATION, set.failure()
                + " — Baton sets it so the kernel announces the IPv6 VIP; set it yourself or give CAP_NET_ADMIN");
        log.info("set {}=1 so the kernel announces {} when it is added", key.replace('/', '.'), cidr);
    }

    /**
     * Right after the address was added. IPv4: starts arping and returns without waiting. IPv6: nothing, the
     * kernel announces after duplicate address detection (about one second).
     *
     * @throws PublishException CONFIGURATION naming the package when arping is missing or unrecognised, or
     *                          when it could not be started
     */
    void announce() throws PublishException, InterruptedException {
        cancel();
        if (!isIpv4()) return;
        List<String> command = flavor().announce(config.interfaceName(), config.address(), ANNOUNCEMENTS,
                INTERVAL_MILLIS);
        try {
            running = runner.start(command);
            runningSinceNanos = System.nanoTime();
        } catch (IOException e) {
            throw new PublishException(PublishException.Kind.CONFIGURATION, "cannot run " + String.join(" ", command)
                    + ": " + e.getMessage() + " (" + INSTALL_ARPING + ")");
        }
    }

    /**
     * The failure of the last announcement, once it has ended badly (then forgotten); empty while it runs or when
     * it went well. One stuck past {@link #ANNOUNCEMENT_LIMIT} is killed and reported.
     */
    Optional<String> takeFailure() {
        Process p = running;
        if (p == null) return Optional.empty();
        if (p.isAlive()) {
            if (System.nanoTime() - runningSinceNanos < ANNOUNCEMENT_LIMIT.toNanos()) return Optional.empty();
            cancel();
            return Optional.of("arping still running after " + ANNOUNCEMENT_LIMIT.toSeconds() + " s; killed");
        }
        running = null;
        String stderr = readAll(p.getErrorStream());
        if (flavor.succeeded(p.exitValue(), stderr)) return Optional.empty();
        return Optional.of("arping exited " + p.exitValue() + (stderr.isBlank() ? "" : ": " + stderr.strip()));
    }

    /** Stops an announcement still running (the address is being dropped, or the publisher closes). */
    void cancel() {
        Process p = running;
        running = null;
        if (p != null && p.isAlive()) p.destroyForcibly();
    }

    private ArpingFlavor flavor() throws PublishException, InterruptedException {
        if (flavor != null) return flavor;
        CommandResult help = run(List.of("arping", "--help"), "arping");
        Optional<ArpingFlavor> found = ArpingFlavor.recognise(help.stdout() + help.stderr());
        if (found.isEmpty()) {
            CommandResult version = run(List.of("arping", "-V"), "arping");
            found = ArpingFlavor.recognise(version.stdout() + version.stderr());
        }
        flavor = found.orElseThrow(() -> new PublishException(PublishException.Kind.CONFIGURATION,
                "the arping on PATH is neither Thomas Habets' nor iputils' (arping --help: "
                        + firstLine(help) + "); " + INSTALL_ARPING));
        return flavor;
    }

    private CommandResult run(List<String> command, String debianPackage)
            throws PublishException, InterruptedException {
        String program = command.get(0);
        String install = program.equals("arping") ? INSTALL_ARPING : "install Debian package '" + debianPackage + "'";
        CommandResult result;
        try {
            result = runner.run(command, PROBE_TIMEOUT);
        } catch (CommandRunner.CommandTimeoutException e) {
            throw new PublishException(PublishException.Kind.TRANSIENT, e.getMessage());
        } catch (IOException e) {
            throw new PublishException(PublishException.Kind.CONFIGURATION,
                    program + " is not installed (" + e.getMessage() + "): " + install);
        }
        // A wrapper (env, ip netns exec) reports a missing program as exit 126/127/255 and "No such file".
        if (result.exitCode() >= 126 && result.stderr().contains("No such file")) {
            throw new PublishException(PublishException.Kind.CONFIGURATION,
                    program + " is not installed (" + result.stderr().strip() + "): " + install);
        }
        return result;
    }

    private static String firstLine(CommandResult result) {
        String text = (result.stdout() + result.stderr()).strip();
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readNBytes(16 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
