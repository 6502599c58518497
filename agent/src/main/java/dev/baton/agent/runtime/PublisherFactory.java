package dev.baton.agent.runtime;

import dev.baton.agent.config.publish.PublisherConfig;
import dev.baton.agent.publish.Publisher;

/** Makes the publisher of each configured kind; the only place that knows every publisher package. */
final class PublisherFactory {
    private PublisherFactory() {
    }

    /**
     * @param leaderScope whether it publishes the leader node ({@code leader.publish}) rather than a service
     * @param self        this node's id
     */
    static Publisher create(PublisherConfig config, boolean leaderScope, int self) {
        throw new UnsupportedOperationException("publisher kind " + config.kind() + " is not available in this build");
    }
}
