package dev.baton.agent.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * What a service name answers: an IP address (A or AAAA), a host name (CNAME), or nothing (NODATA, e.g. when
 * no instance is healthy and the service is configured to answer nothing).
 */
public sealed interface ServiceTarget permits ServiceTarget.Ip, ServiceTarget.HostName, ServiceTarget.None {

    /** An IPv4 address answers A, an IPv6 address answers AAAA. */
    record Ip(InetAddress address) implements ServiceTarget {
        public Ip {
            Objects.requireNonNull(address, "address");
        }

        public boolean isIpv4() {
            return address instanceof Inet4Address;
        }
    }

    /** Answered as a CNAME to {@code name} (absolute). */
    record HostName(Name name) implements ServiceTarget {
        public HostName {
            Objects.requireNonNull(name, "name");
            if (!name.isAbsolute()) throw new IllegalArgumentException("host name " + name + " must be absolute");
        }
    }

    /** The service name exists but has no data: NODATA with the SOA. */
    record None() implements ServiceTarget {
    }

    None NONE = new None();

    /**
     * Parses an instance address as configured: an IPv4 or IPv6 literal (never resolved through DNS), or else a
     * host name (made absolute if written without the trailing dot). A blank string means {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the text when it is neither an address nor a valid host name
     */
    static ServiceTarget parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        if (t.isEmpty()) return NONE;
        String literal = t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1) : t;
        byte[] bytes = Address.toByteArray(literal, Address.IPv4);
        if (bytes == null) bytes = Address.toByteArray(literal, Address.IPv6);
        if (bytes != null) {
            try {
                return new Ip(InetAddress.getByAddress(bytes));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("invalid IP address: " + text, e);
            }
        }
        if (t.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            throw new IllegalArgumentException("invalid IPv4 address: " + text);
        }
        if (!t.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?")) {
            throw new IllegalArgumentException("neither an IP address nor a valid host name: " + text);
        }
        try {
            return new HostName(Name.fromString(t, Name.root));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("neither an IP address nor a valid host name: " + text, e);
        }
    }
}
