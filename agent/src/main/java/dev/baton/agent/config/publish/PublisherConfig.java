package dev.baton.agent.config.publish;

/**
 * One entry of a {@code publish} list: where and how the active instance (or, under {@code leader.publish},
 * the leader node) is made known outside Baton's own DNS. Every record is immutable and safe to log: secrets
 * are {@link dev.baton.agent.config.Secret}s, which print redacted.
 */
public sealed interface PublisherConfig
        permits Rfc2136Config, DigitalOceanDnsConfig, DigitalOceanFloatingIpConfig, VipConfig, ExecHookConfig,
        WebhookConfig {

    /** The config key of this kind, e.g. {@code rfc2136}. */
    String kind();
}
