package dev.baton.agent.publish.rfc2136;

/** {@link Rfc2136PublisherContractTest} against Knot DNS ({@code knotd}). */
class Rfc2136PublisherKnotTest extends Rfc2136PublisherContractTest {
    @Override
    AuthoritativeServer start(String zone, AuthoritativeServer.Key key, String... records) {
        return KnotServer.start(zone, key, records);
    }
}
