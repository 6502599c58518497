package dev.baton.agent.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Shared setup: a fixture in a fresh directory, and a way to get the error lines of an invalid config. */
abstract class ConfigTestSupport {
    @TempDir
    Path dir;

    ConfigFixture fixture;

    @BeforeEach
    void createFixture() {
        fixture = new ConfigFixture(dir);
    }

    BatonConfig load(String yaml) throws Exception {
        return fixture.load(yaml);
    }

    /** The formatted error lines of a config that must be rejected. */
    List<String> errors(String yaml) {
        Throwable[] thrown = new Throwable[1];
        assertThatThrownBy(() -> fixture.load(yaml))
                .isInstanceOf(ConfigException.class)
                .satisfies(t -> thrown[0] = t);
        return ((ConfigException) thrown[0]).errors().stream().map(ConfigError::toString).toList();
    }

    static String example(String target, String replacement) {
        return ConfigFixture.example(target, replacement);
    }
}
