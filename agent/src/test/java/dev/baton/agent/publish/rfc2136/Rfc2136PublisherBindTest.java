package dev.baton.agent.publish.rfc2136;

/** {@link Rfc2136PublisherContractTest} against BIND 9 ({@code named}). */
class Rfc2136PublisherBindTest extends Rfc2136PublisherContractTest {
    @Override
    AuthoritativeServer start(String zone, AuthoritativeServer.Key key, String... records) {
        return BindServer.start(zone, key, records);
    }
}
