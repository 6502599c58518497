package dev.baton.agent.bench;

import dev.baton.agent.demo.DemoBackend;
import dev.baton.agent.demo.DnsProbe;

/**
 * What {@link FailoverBench} fails over: DNS servers answering {@code web} with instance a (127.0.0.1) while its
 * web server is up and b (127.0.0.2) once it is not. Baton's three agents ({@link AgentSubject}), or a peer
 * that checks on its own ({@link PdnsSubject}).
 */
interface FailoverSubject extends AutoCloseable {
    /** Starts the servers and the backends; returns once every DNS server answers a (throws if none does in time). */
    void start() throws Exception;

    /** Instance a's web server: the bench stops it (the kill) and starts it again between trials. */
    DemoBackend primary();

    /** How many DNS servers answer; the bench polls each. */
    int servers();

    /** A resolver of the service's name at server {@code server} (1-based). One per polling thread. */
    DnsProbe probe(int server);

    /** Back on a after a trial, with every checker seeing a and b up. */
    boolean readyForTrial();

    /** Called just before the kill: forget what was logged so far. */
    void beforeKill() throws Exception;

    /**
     * The inner stages of the last trial, in ms after {@code killWall} (epoch ms): detection, decision, applied on
     * the leader, applied on the last node; -1 where the subject cannot tell.
     */
    long[] innerStages(long killWall) throws Exception;

    @Override
    void close();
}
