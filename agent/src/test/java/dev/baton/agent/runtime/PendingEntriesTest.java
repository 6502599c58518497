package dev.baton.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.decision.Decision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a node behind on applying knows of its backlog: which services the entries it has not applied touch. */
class PendingEntriesTest {
    private final PendingEntries pending = new PendingEntries();

    private static List<Decision> batch(String... services) {
        return java.util.Arrays.stream(services).map(s -> new Decision(s, "b", 2, "r", 0, Map.of())).toList();
    }

    @Test
    void aServiceIsTouchedOnlyByTheEntriesBetweenAppliedAndKnownThatDecideIt() {
        pending.appended(5, batch("db", "web"));
        pending.appended(6, batch("mq"));
        pending.appended(8, batch("db"));
        assertThat(pending.touches("db", 4, 6)).isTrue();
        assertThat(pending.touches("mq", 4, 5)).isFalse();
        assertThat(pending.touches("mq", 4, 6)).isTrue();
        assertThat(pending.touches("web", 5, 8)).as("entry 5 is already applied").isFalse();
        assertThat(pending.touches("db", 6, 7)).as("7 is a no-op").isFalse();
        assertThat(pending.touches("db", 6, 8)).isTrue();
        assertThat(pending.touches("db", 8, 8)).isFalse();
    }

    @Test
    void anEntryReplacedByANewLeadersAndAnUnreadableOneCountAsTheyAre() {
        pending.appended(5, batch("db"));
        pending.appended(5, batch("web"));
        assertThat(pending.touches("db", 4, 5)).isFalse();
        assertThat(pending.touches("web", 4, 5)).isTrue();
        pending.appended(6, null);
        assertThat(pending.touches("anything", 5, 6)).isTrue();
    }

    @Test
    void appliedEntriesAreForgotten() {
        pending.appended(5, batch("db"));
        pending.appended(6, batch("db"));
        pending.applied(5);
        assertThat(pending.touches("db", 0, 5)).isFalse();
        assertThat(pending.touches("db", 0, 6)).isTrue();
    }
}
