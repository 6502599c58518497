package dev.baton.agent.dns;

/**
 * Which I/O carries {@link DnsServer}'s UDP (config key {@code dns.transport}); TCP always uses the JDK's sockets.
 */
public enum UdpTransportChoice {
    /** {@link #EPOLL} where Netty's native epoll transport loads (Linux x86-64), else {@link #JDK}. */
    AUTO,
    /**
     * Netty's epoll datagram channel: several datagrams per system call (recvmmsg, sendmmsg) and one socket per
     * thread on the same port (SO_REUSEPORT). Starting fails when it cannot load.
     */
    EPOLL,
    /** The JDK's blocking {@link java.nio.channels.DatagramChannel}, one datagram per system call. */
    JDK
}
