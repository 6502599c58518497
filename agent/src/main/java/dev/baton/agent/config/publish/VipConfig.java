package dev.baton.agent.config.publish;

import java.net.InetAddress;
import java.util.Objects;

/**
 * {@code vip}: a virtual IP {@code address/prefixLength} on the Linux interface {@code interfaceName}, held by
 * the member that hosts the active instance ({@code instances[].member}) or, under {@code leader.publish}, by
 * the leader; announced with gratuitous ARP (IPv4) or an unsolicited neighbour advertisement (IPv6).
 */
public record VipConfig(InetAddress address, int prefixLength, String interfaceName) implements PublisherConfig {
    public VipConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(interfaceName, "interfaceName");
        int max = address.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0.." + max);
        }
    }

    /** {@code 10.0.0.100/24}, as {@code ip addr} takes it. */
    public String cidr() {
        return address.getHostAddress() + "/" + prefixLength;
    }

    @Override
    public String kind() {
        return "vip";
    }
}
