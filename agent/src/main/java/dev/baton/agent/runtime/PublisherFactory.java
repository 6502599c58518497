package dev.baton.agent.runtime;

import dev.baton.agent.config.publish.ExecHookConfig;
import dev.baton.agent.config.publish.PublisherConfig;
import dev.baton.agent.config.publish.Rfc2136Config;
import dev.baton.agent.config.publish.WebhookConfig;
import dev.baton.agent.publish.Publisher;
import dev.baton.agent.publish.hook.ExecHookPublisher;
import dev.baton.agent.publish.hook.WebhookPublisher;
import dev.baton.agent.publish.rfc2136.Rfc2136Publisher;

/** Makes the publisher of each configured kind; the only place that knows every publisher package. */
final class PublisherFactory {
    private PublisherFactory() {
    }

    /**
     * @param leaderScope whether it publishes the leader node ({@code leader.publish}) rather than a service:
     *                    there a hook runs on every node, on its own role changes (keepalived's notify scripts)
     */
    static Publisher create(PublisherConfig config, boolean leaderScope) {
        Publisher.Authority hookAuthority = leaderScope ? Publisher.Authority.EVERY_NODE : Publisher.Authority.LEADER;
        if (config instanceof Rfc2136Config c) return new Rfc2136Publisher(c);
        if (config instanceof ExecHookConfig c) return new ExecHookPublisher(c, hookAuthority);
        if (config instanceof WebhookConfig c) return new WebhookPublisher(c, hookAuthority);
        throw new UnsupportedOperationException("publisher kind " + config.kind() + " is not available in this build");
    }
}
