package dev.baton.agent.publish.hook;

import dev.baton.agent.process.CleanEnvironment;
import dev.baton.agent.process.MessageText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.publish.Fence;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Placeholders: substitution, absent values, unknown names; the values and environment of an intent. */
class CommandTemplateTest {
    private static List<String> substitute(Intent intent, String... command) {
        CommandTemplate.validate(List.of(command));
        return CommandTemplate.substitute(List.of(command), HookValues.of(intent));
    }

    @Test
    void everyPlaceholderIsSubstitutedInsideEachArgument() {
        List<String> argv = substitute(TestIntents.moved(), "/bin/hook", "{service}", "--to={instance}@{address}",
                "--from={previous_instance}@{previous_address}", "{term}/{index}", "{reason}", "{role}",
                "{droplet_id}", "{member}");
        assertThat(argv).containsExactly("/bin/hook", "db", "--to=b@10.0.0.2", "--from=a@10.0.0.1", "7/42",
                "a unhealthy (3 of 3 nodes)", "leader", "3164445", "2");
    }

    @Test
    void absentValuesSubstituteTheEmptyString() {
        assertThat(substitute(TestIntents.none(), "x", "[{instance}]", "[{previous_address}]", "[{droplet_id}]",
                "[{member}]")).containsExactly("x", "[]", "[]", "[]", "[]");
    }

    @Test
    void unknownPlaceholderIsAnErrorNamingItAndItsArgument() {
        assertThatThrownBy(() -> CommandTemplate.validate(List.of("/bin/hook", "ok {service}", "{servce}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown placeholder {servce} in command[2]; known: {address}, ");
        assertThatThrownBy(() -> ExecHookPublisher.validateCommand(List.of("{decided_at}")))
                .as("decided_at is an environment variable only").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherBraceTextIsLiteral() {
        assertThat(substitute(TestIntents.moved(), "{\"a\":1}", "{}", "{Service}", "${service}"))
                .containsExactly("{\"a\":1}", "{}", "{Service}", "$db");
    }

    @Test
    void valuesAreNotExpandedAgain() {
        Intent sneaky = new Intent("db", Optional.empty(), Optional.empty(), new Fence(1, 1), "{service} $(id)", 0,
                Role.LEADER, false);
        assertThat(substitute(sneaky, "{reason}")).containsExactly("{service} $(id)");
    }

    @Test
    void thePublicSetIsTheContract() {
        assertThat(ExecHookPublisher.PLACEHOLDERS).containsExactlyInAnyOrder("service", "instance", "address",
                "previous_instance", "previous_address", "term", "index", "reason", "role", "droplet_id", "member");
    }

    @Test
    void environmentCarriesEveryValueAndDecidedAtInIso8601Utc() {
        assertThat(HookValues.of(TestIntents.moved()).environment()).containsExactly(
                java.util.Map.entry("BATON_SERVICE", "db"),
                java.util.Map.entry("BATON_INSTANCE", "b"),
                java.util.Map.entry("BATON_ADDRESS", "10.0.0.2"),
                java.util.Map.entry("BATON_PREVIOUS_INSTANCE", "a"),
                java.util.Map.entry("BATON_PREVIOUS_ADDRESS", "10.0.0.1"),
                java.util.Map.entry("BATON_TERM", "7"),
                java.util.Map.entry("BATON_INDEX", "42"),
                java.util.Map.entry("BATON_REASON", "a unhealthy (3 of 3 nodes)"),
                java.util.Map.entry("BATON_ROLE", "leader"),
                java.util.Map.entry("BATON_DROPLET_ID", "3164445"),
                java.util.Map.entry("BATON_MEMBER", "2"),
                java.util.Map.entry("BATON_DECIDED_AT", "2024-05-01T12:00:03.250Z"));
        assertThat(HookValues.of(TestIntents.none()).environment()).containsEntry("BATON_DECIDED_AT", "");
    }

    @Test
    void cleanEnvironmentKeepsOnlyHarmlessAgentVariables() {
        java.util.Map<String, String> agent = java.util.Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8",
                "DIGITALOCEAN_TOKEN", "dop_v1_secret", "BATON_CLUSTER_KEY", "k", "BATON_TOKEN", "t", "JAVA_TOOL_OPTIONS", "x");
        java.util.Map<String, String> env = CleanEnvironment.of(agent, HookValues.of(TestIntents.moved()).environment());
        assertThat(env).containsEntry("PATH", "/usr/bin:/bin").containsEntry("LANG", "C.UTF-8")
                .doesNotContainKeys("DIGITALOCEAN_TOKEN", "BATON_CLUSTER_KEY", "BATON_TOKEN", "JAVA_TOOL_OPTIONS", "HOME");
        assertThat(CleanEnvironment.of(java.util.Map.of(), HookValues.of(TestIntents.moved()).environment()))
                .containsEntry("PATH", CleanEnvironment.DEFAULT_PATH);
    }

    @Test
    void messageTextEscapesControlsAndIsBounded() {
        assertThat(MessageText.escapeAndBound("a\tb\u001b[31mred\rx\u0085")).isEqualTo("a\\tb\\x1b[31mred\\rx\\x85");
        assertThat(MessageText.escapeAndBound("é".repeat(500))).hasSize(MessageText.MAX_CHARS + 1).endsWith("é…");
    }
}
