package dev.baton.agent.runtime;

import dev.baton.agent.config.publish.DigitalOceanDnsConfig;
import dev.baton.agent.config.publish.DigitalOceanFloatingIpConfig;
import dev.baton.agent.config.publish.ExecHookConfig;
import dev.baton.agent.config.publish.PublisherConfig;
import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.config.publish.VipConfig;
import dev.baton.agent.config.publish.WebhookConfig;
import dev.baton.agent.publish.Publisher;
import dev.baton.agent.publish.digitalocean.DigitalOceanDnsPublisher;
import dev.baton.agent.publish.digitalocean.DigitalOceanFloatingIpPublisher;
import dev.baton.election.Timings;
import java.time.Duration;
import dev.baton.agent.publish.hook.ExecHookPublisher;
import dev.baton.agent.publish.hook.WebhookPublisher;
import dev.baton.agent.publish.rfc2136.Rfc2136Publisher;
import dev.baton.agent.publish.vip.VipPublisher;

/** Makes the publisher of each configured kind; the only place that knows every publisher package. */
final class PublisherFactory {
    private PublisherFactory() {
    }

    /**
     * @param leaderScope whether it publishes the leader node ({@code leader.publish}) rather than a service:
     *                    there a hook runs on every node, on its own role changes (keepalived's notify scripts)
     */
    static Publisher create(PublisherConfig config, boolean leaderScope, Timings timings) {
        Publisher.Authority hookAuthority = leaderScope ? Publisher.Authority.EVERY_NODE : Publisher.Authority.LEADER;
        if (config instanceof Rfc2136Config c) return new Rfc2136Publisher(c);
        if (config instanceof DigitalOceanDnsConfig c) return new DigitalOceanDnsPublisher(c, writeTimeout(timings));
        if (config instanceof DigitalOceanFloatingIpConfig c) {
            return new DigitalOceanFloatingIpPublisher(c, writeTimeout(timings));
        }
        if (config instanceof VipConfig c) return new VipPublisher(c);
        if (config instanceof ExecHookConfig c) return new ExecHookPublisher(c, hookAuthority);
        if (config instanceof WebhookConfig c) return new WebhookPublisher(c, hookAuthority);
        throw new IllegalArgumentException("no publisher for kind " + config.kind());
    }

    /**
     * An API without conditional writes is fenced by the lease alone: a write is sent only when the lease
     * outlasts its timeout. The lease runs up to the follower timeout less the drift margin, renewed every
     * heartbeat, so 70 % of the follower timeout (700 ms at the defaults) leaves room for the heartbeat's round
     * trip; a slower answer is given up, and the next attempt reads before it writes again.
     */
    static Duration writeTimeout(Timings timings) {
        return Duration.ofNanos(timings.promiseNanos() * 7 / 10);
    }
}
