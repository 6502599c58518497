package dev.baton.agent.dns;

/**
 * Which I/O carries {@link DnsServer}'s UDP (config key {@code dns.transport}); TCP always uses the JDK's sockets.
 */
public enum UdpTransportChoice {
    /** {@link #NATIVE} where Baton's native UDP library loads (Linux x86-64), else {@link #JDK}. */
    AUTO,
    /**
     * Baton's own JNI loop ({@link NativeUdpListener}): several datagrams per system call (recvmmsg, sendmmsg)
     * and one socket per thread on the same port (SO_REUSEPORT). Starting fails when it cannot load.
     */
    NATIVE,
    /** The JDK's blocking {@link java.nio.channels.DatagramChannel}, one datagram per system call. */
    JDK
}
