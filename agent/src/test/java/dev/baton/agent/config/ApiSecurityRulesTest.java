package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code api.token_file}, {@code api.tls} and {@code history.keep}: defaults, the loopback rule, secrets kept out of messages. */
class ApiSecurityRulesTest extends ConfigTestSupport {
    private static final String TOKEN = "tok-123456";

    @Test
    void aNonLoopbackListenWithoutATokenFileIsAConfigError() throws Exception {
        assertThat(errors(example("listen: 127.0.0.1:7481", "listen: 0.0.0.0:7481"))).containsExactly(
                "api.listen: is not a loopback address, so api.token_file is required: every mutating call must carry"
                        + " its bearer token");
        assertThat(errors(example("listen: 127.0.0.1:7481", "listen: 192.0.2.1:7481"))).hasSize(1);
        // Loopback needs none: the default and ::1.
        assertThat(load(example("listen: 127.0.0.1:7481", "listen: \"[::1]:7481\"")).api().token()).isEmpty();
    }

    @Test
    void theTokenIsReadFromItsFileAndNeverShown() throws Exception {
        fixture.writeSecret("api.token", TOKEN + "\n");
        BatonConfig config = load(example("listen: 127.0.0.1:7481", "listen: 0.0.0.0:7481\n  token_file: api.token"));
        assertThat(config.api().token()).get().extracting(Secret::text).isEqualTo(TOKEN);
        assertThat(config.toString()).doesNotContain(TOKEN);

        fixture.writeSecret("two.token", "one two\n");
        assertThat(errors(example("listen: 127.0.0.1:7481", "listen: 127.0.0.1:7481\n  token_file: two.token")))
                .singleElement().asString().contains("holds more than one word").doesNotContain("one two");
        assertThat(errors(example("listen: 127.0.0.1:7481", "listen: 127.0.0.1:7481\n  token_file: missing.token")))
                .singleElement().asString().contains("missing.token does not exist");
    }

    @Test
    void tlsNeedsBothFilesToExist() throws Exception {
        fixture.writeSecret("api.crt", "x");
        fixture.writeSecret("api.key", "x");
        BatonConfig config = load(example("listen: 127.0.0.1:7481",
                "listen: 127.0.0.1:7481\n  tls: {cert_file: api.crt, key_file: api.key}"));
        assertThat(config.api().tls()).get().extracting(t -> t.certFile().getFileName().toString()).isEqualTo("api.crt");
        assertThat(errors(example("listen: 127.0.0.1:7481", "listen: 127.0.0.1:7481\n  tls: {cert_file: api.crt}")))
                .containsExactly("api.tls.key_file: required");
        assertThat(errors(example("listen: 127.0.0.1:7481",
                "listen: 127.0.0.1:7481\n  tls: {cert_file: nope.crt, key_file: api.key}")))
                .singleElement().asString().contains("nope.crt does not exist or cannot be read");
    }

    @Test
    void historyKeepDefaultsToTenThousandAndMustBePositive() throws Exception {
        assertThat(load(ConfigFixture.EXAMPLE).history().keep()).isEqualTo(10_000);
        assertThat(load(ConfigFixture.EXAMPLE + "history:\n  keep: 50\n").history().keep()).isEqualTo(50);
        assertThat(errors(ConfigFixture.EXAMPLE + "history:\n  keep: 0\n")).containsExactly("history.keep: must be at least 1");
        assertThat(errors(ConfigFixture.EXAMPLE + "history:\n  size: 5\n")).containsExactly(
                "history.size: unknown key; allowed: keep");
    }
}
