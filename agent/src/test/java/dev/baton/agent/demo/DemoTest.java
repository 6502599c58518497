package dev.baton.agent.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code baton demo} as a new user runs it (three agent processes, two backends, a client), checked for what it
 * promises: exit code 0, every step, no failed request, and timelines in causal order.
 */
class DemoTest {
    /** Wall-clock times reported by the nodes are in whole milliseconds, mapped onto the demo's monotonic clock. */
    private static final int CLOCK_SLACK_MS = 2;
    private static final Pattern EVENT = Pattern.compile("^\\s+([+-]\\d+) ms  (.*)$");

    @Test
    void theDemoRunsEveryStepAndItsTimelinesAreInCausalOrder() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(code).as(text).isZero();
        assertThat(text).contains("== 1. The primary (a) dies ==", "== 2. The primary comes back",
                "== 3. The leader node dies (kill -9) ==", "== 4. An operator switches web to b on purpose ==",
                "== 5. ... and switches it back to a ==", "== The history", "== Summary ==", "failed: 0",
                "Every step behaved as it must");
        assertThat(text.split("failed requests: 0", -1)).as(text).hasSize(6); // one per phase

        Map<String, Integer> failover = events(section(text, "== 1.", "== 2."));
        for (int node = 1; node <= 3; node++) {
            int sees = at(failover, "node " + node + ": its check sees a down", text);
            int applied = at(failover, "node " + node + ": decision applied: web -> b", text);
            int answers = at(failover, "node " + node + ": DNS answers b", text);
            assertThat(applied).as("node %d applied the decision before its DNS answered b%n%s", node, text)
                    .isLessThanOrEqualTo(answers + CLOCK_SLACK_MS);
            assertThat(sees).as("node %d's check saw a down after the kill%n%s", node, text).isPositive();
        }
        // vantage: quorum: the decision needs a majority (2 of 3) seeing a down, so the leader applies it only
        // after the second node's check saw a down.
        List<Integer> downs = new ArrayList<>();
        for (int node = 1; node <= 3; node++) downs.add(at(failover, "node " + node + ": its check sees a down", text));
        downs.sort(null);
        int leaderApplied = failover.entrySet().stream()
                .filter(e -> e.getKey().contains("decision applied: web -> b") && e.getKey().contains("(leader)"))
                .mapToInt(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no leader line\n" + text));
        assertThat(leaderApplied).as("leader applied after two nodes saw a down%n%s", text)
                .isGreaterThanOrEqualTo(downs.get(1) - CLOCK_SLACK_MS);
        assertThat(failover.keySet()).as(text).anyMatch(e -> e.equals("client: first request served by b"));

        // The operator's switches: the real `baton switch` (exit 0 once committed), then every surviving node
        // applies the decision and answers the new instance; the history shows each switch with who asked.
        assertSwitch(events(section(text, "== 4.", "== 5.")), "b", text);
        assertSwitch(events(section(text, "== 5.", "== The history")), "a", text);
        String history = section(text, "== The history", "== Summary");
        assertThat(history).as(text).containsPattern("web switch b by 127\\.0\\.0\\.1 via node \\d: switch b accepted")
                .containsPattern("web switch a by 127\\.0\\.0\\.1 via node \\d: switch a accepted")
                .containsPattern("web -> a \\(term \\d+\\): an operator switched web to a");
    }

    /** One switch phase: issued first, then the committed exit, and every live node applying and answering. */
    private static void assertSwitch(Map<String, Integer> phase, String instance, String text) {
        int issued = at(phase, "$ baton switch web " + instance + " --config node", text);
        int committed = at(phase, "baton switch exits 0, committed: switch " + instance + " accepted", text);
        assertThat(issued).as(text).isLessThanOrEqualTo(committed);
        int nodes = 0;
        for (int node = 1; node <= 3; node++) {
            String applied = "node " + node + ": decision applied: web -> " + instance;
            if (phase.keySet().stream().noneMatch(e -> e.startsWith(applied))) continue; // the node killed in step 3
            nodes++;
            assertThat(at(phase, applied, text)).as(text).isGreaterThanOrEqualTo(issued - CLOCK_SLACK_MS)
                    .isLessThanOrEqualTo(at(phase, "node " + node + ": DNS answers " + instance, text) + CLOCK_SLACK_MS);
            assertThat(phase.keySet()).as(text).anyMatch(e -> e.startsWith(applied) && e.contains("an operator switched web to " + instance));
        }
        assertThat(nodes).as("the two surviving nodes applied the switch%n%s", text).isEqualTo(2);
    }

    private static String section(String text, String from, String to) {
        int start = text.indexOf(from);
        int end = text.indexOf(to, start);
        assertThat(start).as(text).isNotNegative();
        assertThat(end).as(text).isGreaterThan(start);
        return text.substring(start, end);
    }

    /** Timeline lines "   +242 ms  node 3: ..." of a section: event text (up to the first colon after the node) → ms. */
    private static Map<String, Integer> events(String section) {
        Map<String, Integer> out = new TreeMap<>();
        for (String line : section.split("\\R")) {
            Matcher m = EVENT.matcher(line);
            if (m.matches()) out.putIfAbsent(m.group(2), Integer.parseInt(m.group(1)));
        }
        return out;
    }

    private static int at(Map<String, Integer> events, String prefix, String text) {
        return events.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToInt(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no timeline event \"" + prefix + "\" in\n" + text));
    }
}
