package dev.baton.agent.config;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@code host:port} endpoint. IPv6 literals are written in brackets ({@code [::1]:7401}, RFC 3986 section
 * 3.2.2) and stored without them in {@link #host()}.
 */
public record HostPort(String host, int port) {
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) throw new IllegalArgumentException("empty host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is out of range");
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}. Does not resolve names. Throws
     * {@link IllegalArgumentException} with a message quoting the text. Port 0 is accepted (bind ephemeral).
     */
    public static HostPort parse(String text) {
        String problem = problem(text);
        if (problem != null) throw new IllegalArgumentException("\"" + text + "\" " + problem);
        int colon = text.lastIndexOf(':');
        String host = text.startsWith("[") ? text.substring(1, colon - 1) : text.substring(0, colon);
        return new HostPort(host.toLowerCase(Locale.ROOT), Integer.parseInt(text.substring(colon + 1)));
    }

    /** What is wrong with {@code text}, phrased to follow it ("is not host:port ..."), or null if nothing. */
    static String problem(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                return "is not host:port; write IPv6 in brackets, e.g. [::1]:7401";
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!host.contains(":")) return "has brackets, which are only for IPv6 addresses";
            if (IpLiterals.parse(host) == null) return "has an invalid IPv6 address \"" + host + "\"";
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) return "is not host:port (the port is missing)";
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.contains(":")) return "needs brackets around an IPv6 address, e.g. [::1]:7401";
            if (host.isEmpty()) return "has no host";
            boolean looksNumeric = host.matches("[0-9.]+");
            if (looksNumeric ? IpLiterals.parse(host) == null : !DnsNames.isHostName(host)) {
                return "has an invalid host \"" + host + "\"";
            }
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            return "has an invalid port; it must be a number from 0 to 65535";
        }
        return null;
    }

    /** An unresolved socket address; resolving is left to the caller (and its thread). */
    public InetSocketAddress toUnresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** Back to the config syntax, bracketing IPv6. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
