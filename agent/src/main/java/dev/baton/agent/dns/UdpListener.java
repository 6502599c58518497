package dev.baton.agent.dns;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The UDP side of {@link DnsServer} on one listen address: receives queries and sends what
 * {@link UdpExchange#respond} makes of them, on threads of its own.
 *
 * <p>Lifecycle: {@link #bind} once, then {@link #start} once, then {@link #close}; {@link #close} may come at
 * any point and is idempotent. Called by {@link DnsServer} under its lock.
 */
interface UdpListener extends AutoCloseable {

    /**
     * Binds the address's socket(s).
     *
     * @return the address bound, with the port the kernel chose when {@code address}'s port is 0
     * @throws java.net.BindException when the address cannot be bound; nothing stays bound then
     */
    InetSocketAddress bind(InetSocketAddress address) throws IOException;

    /** Starts receiving; returns at once. */
    void start();

    /** Closes the socket(s) and waits a few seconds for the threads to end. Never throws. */
    @Override
    void close();
}
