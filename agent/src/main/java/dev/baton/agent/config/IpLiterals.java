package dev.baton.agent.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/** IP literal parsing without name lookups ({@code InetAddress.getByName} may block on DNS for a non-literal). */
final class IpLiterals {
    private IpLiterals() {
    }

    /** An IPv4 (dotted quad) or IPv6 literal, or null if {@code text} is not one. */
    static InetAddress parse(String text) {
        byte[] bytes = Address.toByteArray(text, text.contains(":") ? Address.IPv6 : Address.IPv4);
        if (bytes == null) return null;
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // only thrown for a wrong array length, which dnsjava never returns
        }
    }
}
