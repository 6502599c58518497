package dev.baton.agent.config;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What Baton publishes for an instance: an IP literal (answered as A or AAAA) or a host name (answered as a
 * CNAME to it).
 */
public sealed interface InstanceAddress permits InstanceAddress.Ip, InstanceAddress.HostName {

    /** The address as written in the config, for {@code {address}} substitution and display. */
    String text();

    /** An IPv4 or IPv6 literal; {@code text} is kept as written so IPv6 stays in its short form. */
    record Ip(InetAddress address, String text) implements InstanceAddress {
        public Ip {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(text, "text");
        }

        public boolean isIpv6() {
            return address instanceof java.net.Inet6Address;
        }
    }

    /** A host name, stored absolute and lower-cased ({@code db1.example.com.}); {@code text} lacks the root dot. */
    record HostName(String name) implements InstanceAddress {
        public HostName {
            Objects.requireNonNull(name, "name");
            if (!name.endsWith(".")) throw new IllegalArgumentException("host name must be absolute: " + name);
        }

        @Override
        public String text() {
            return name.substring(0, name.length() - 1);
        }
    }

    /**
     * Parses an IP literal or a host name. Never resolves a name (unlike {@code InetAddress.getByName}, which
     * would block on DNS). Throws {@link IllegalArgumentException} naming the text.
     */
    static InstanceAddress parse(String text) {
        InetAddress ip = IpLiterals.parse(text);
        if (ip != null) return new Ip(ip, text);
        if (text.contains(":")) throw new IllegalArgumentException("\"" + text + "\" is not a valid IPv6 address");
        if (text.matches("[0-9.]+")) throw new IllegalArgumentException("\"" + text + "\" is not a valid IPv4 address");
        if (!DnsNames.isHostName(text)) {
            throw new IllegalArgumentException("\"" + text + "\" is neither an IP address nor a valid host name");
        }
        return new HostName(DnsNames.toAbsolute(text));
    }
}
