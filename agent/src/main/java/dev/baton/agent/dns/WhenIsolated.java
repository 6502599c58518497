package dev.baton.agent.dns;

/** What the DNS server answers for service names while this node is not {@linkplain Currentness current}. */
public enum WhenIsolated {
    /**
     * SERVFAIL for service names (and for names that do not exist, since they may exist now), so resolvers
     * try another Baton node that is current. The apex SOA/NS and NS glue are still answered: they come from
     * static settings. The default.
     */
    SERVFAIL,
    /** Keep answering from the last table received, possibly stale. */
    SERVE_LAST;

    public static final WhenIsolated DEFAULT = SERVFAIL;

    /** The spelling used in the config file ({@code dns.when_isolated}), e.g. {@code serve_last}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
