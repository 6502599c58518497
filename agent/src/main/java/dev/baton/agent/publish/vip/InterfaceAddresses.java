package dev.baton.agent.publish.vip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.agent.publish.PublishException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One interface's addresses through iproute2: read with {@code ip -j addr show dev X} (JSON, so no column
 * parsing), change with {@code ip addr add|del}. Each command is bounded by {@link #COMMAND_TIMEOUT}. Errors name
 * the command, its exit code and its standard error, and say what to fix when the cause is known.
 */
final class InterfaceAddresses {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;
    private final String interfaceName;

    InterfaceAddresses(CommandRunner runner, String interfaceName) {
        this.runner = runner;
        this.interfaceName = interfaceName;
    }

    /**
     * An address as the kernel shows it on the interface, with the interface's {@code operstate} ({@code UP},
     * {@code DOWN}, {@code LOWERLAYERDOWN}; {@code UNKNOWN} for drivers that do not report it).
     */
    record Held(InetAddress address, int prefixLength, boolean tentative, boolean dadFailed, String linkState) {
        String cidr() {
            return AddressText.cidr(address, prefixLength);
        }

        /** Whether frames can flow: UP, or UNKNOWN (not reported, e.g. tun devices). */
        boolean linkUp() {
            return linkState.equals("UP") || linkState.equals("UNKNOWN");
        }
    }

    /** Finds {@code address} on the interface, whatever its prefix length. Blocks up to the command timeout. */
    Optional<Held> find(InetAddress address) throws PublishException, InterruptedException {
        CommandResult result = run(List.of("ip", "-j", "addr", "show", "dev", interfaceName));
        if (!result.succeeded()) throw failure(result);
        try {
            JsonNode links = JSON.readTree(result.stdout().isBlank() ? "[]" : result.stdout());
            for (JsonNode link : links) {
                for (JsonNode info : link.path("addr_info")) {
                    String local = info.path("local").asText("");
                    if (local.isEmpty() || !sameAddress(local, address)) continue;
                    return Optional.of(new Held(address, info.path("prefixlen").asInt(-1),
                            info.path("tentative").asBoolean(false), info.path("dadfailed").asBoolean(false),
                            link.path("operstate").asText("UNKNOWN")));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new PublishException(PublishException.Kind.TRANSIENT,
                    "cannot read the output of ip -j addr show dev " + interfaceName + ": " + e.getMessage());
        }
    }

    /** {@code ip addr add CIDR dev X}; "File exists" (someone added it meanwhile) is fine: the caller re-reads. */
    void add(String cidr) throws PublishException, InterruptedException {
        CommandResult result = run(List.of("ip", "addr", "add", cidr, "dev", interfaceName));
        if (!result.succeeded() && !result.stderr().contains("File exists")) throw failure(result);
    }

    /** {@code ip addr del CIDR dev X}; "Cannot assign requested address" (already gone) is fine: the caller re-reads. */
    void delete(String cidr) throws PublishException, InterruptedException {
        CommandResult result = run(List.of("ip", "addr", "del", cidr, "dev", interfaceName));
        if (!result.succeeded() && !result.stderr().contains("Cannot assign requested address")) throw failure(result);
    }

    private CommandResult run(List<String> command) throws PublishException, InterruptedException {
        try {
            return runner.run(command, COMMAND_TIMEOUT);
        } catch (CommandRunner.CommandTimeoutException e) {
            throw new PublishException(PublishException.Kind.TRANSIENT, e.getMessage());
        } catch (IOException e) {
            throw new PublishException(PublishException.Kind.CONFIGURATION, "cannot run " + String.join(" ", command)
                    + ": " + e.getMessage() + " (install Debian package 'iproute2')");
        }
    }

    private PublishException failure(CommandResult result) {
        String stderr = result.stderr().toLowerCase(Locale.ROOT);
        if (stderr.contains("operation not permitted")) {
            return new PublishException(PublishException.Kind.CONFIGURATION,
                    result.failure() + " — Baton needs CAP_NET_ADMIN");
        }
        if (stderr.contains("does not exist") || stderr.contains("cannot find device")) {
            return new PublishException(PublishException.Kind.CONFIGURATION, "interface " + interfaceName
                    + " does not exist on this node: " + result.failure());
        }
        if (stderr.contains("no such file or directory") && result.exitCode() >= 126) {
            return new PublishException(PublishException.Kind.CONFIGURATION,
                    result.failure() + " (install Debian package 'iproute2')");
        }
        return new PublishException(PublishException.Kind.TRANSIENT, result.failure());
    }

    /** IPv6 has many spellings of one address ({@code 2001:db8::1}, {@code 2001:0db8:0:0::1}): compare bytes. */
    private static boolean sameAddress(String text, InetAddress address) {
        if (text.indexOf(':') >= 0 != address.getAddress().length > 4) return false;
        try {
            return InetAddress.getByName(text).equals(address); // an IP literal: no name lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
