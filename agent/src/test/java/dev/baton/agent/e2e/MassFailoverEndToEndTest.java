package dev.baton.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hundred services on three real agents lose their primary at once: the leader decides them in a few
 * batches (far fewer log entries than services), and every node, in contact with the majority throughout,
 * moves every service to b with no SERVFAIL at all: each node serves every service from what it has applied
 * for that service, learns what each entry touches as the entry arrives (not when its callback thread gets to
 * it), and applies commits without waiting behind the flood of peer messages a mass failure brings. Before
 * batches and per-service currentness, whole nodes answered SERVFAIL for every service for seconds; before the
 * last two, the leader did for a few hundred milliseconds.
 */
class MassFailoverEndToEndTest {
    private static final int SERVICES = 200;
    private AgentCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) cluster.closeKeepingLogs(getClass());
    }

    @Test
    void twoHundredPrimariesFailAtOnceFailoverIsBatchedWithoutServfail(@TempDir Path dir)
            throws Exception {
        cluster = AgentCluster.write(dir, (node, port, d) -> MassFailover.servicesYaml(SERVICES, port, "500ms", 2));
        MassFailover mass = new MassFailover(cluster, SERVICES);
        cluster.primary().start();
        cluster.startAll();
        assertThat(mass.awaitEveryNodeAnswers(AgentCluster.PRIMARY, 120_000)).as("every node answers a").isTrue();
        cluster.backup().start();
        Thread.sleep(3_000); // real processes: every node's checks see b up (rise 2 at 500 ms) before the kill
        // After the hold-down node 1 takes leadership over from whoever led first: kill once that has happened.
        org.awaitility.Awaitility.await("node 1 leads, as every node sees it").atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> java.util.stream.IntStream.rangeClosed(1, AgentCluster.SIZE).allMatch(n -> cluster.status(n)
                        .map(st -> st.path("leader").asInt() == 1 && st.path("current").asBoolean()).orElse(false)));

        List<MassFailover.NodeResult> results = mass.run(60_000);

        for (MassFailover.NodeResult r : results) {
            assertThat(r.complete()).as("node " + r.node() + " answers b for every service").isTrue();
            assertThat(r.servfails()).as("SERVFAILs from node " + r.node() + " (in contact with the majority"
                    + " throughout) among " + r.queries() + " answers: " + r.firstServfails())
                    .isZero();
        }
        for (int node = 1; node <= AgentCluster.SIZE; node++) {
            assertThat(mass.entriesFailingOver(node)).as("log entries that moved services to b on node " + node)
                    .isBetween(1L, (long) SERVICES / 4); // checks are spread by jitter: a few passes, each one entry
        }
    }
}
