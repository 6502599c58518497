package dev.baton.agent.dns;

/** The transport a query came over, which bounds the response size. */
public enum DnsTransport {
    UDP,
    /** RFC 1035 §4.2.2: 2-byte length prefix, so at most 65535 bytes. */
    TCP
}
