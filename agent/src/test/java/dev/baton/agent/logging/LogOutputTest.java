package dev.baton.agent.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.agent.config.LogFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code logging.format: json} writes one JSON object per line; {@code text} goes back to the text lines. */
class LogOutputTest {
    private final PrintStream stderr = System.err;

    @AfterEach
    void restore() {
        LogOutput.apply(LogFormat.TEXT);
        System.setErr(stderr);
    }

    private String logged(String message) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LoggerFactory.getLogger("dev.baton.test").info(message);
        } finally {
            System.setErr(stderr);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsOneObjectPerLineAndTextComesBack() throws Exception {
        assertThat(LogOutput.apply(LogFormat.JSON)).isTrue();
        String json = logged("node 1 \"quoted\" started");
        assertThat(json.lines()).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(json);
        assertThat(line.path("message").asText()).isEqualTo("node 1 \"quoted\" started");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("loggerName").asText()).isEqualTo("dev.baton.test");
        assertThat(LogOutput.apply(LogFormat.JSON)).as("already in force").isFalse();

        assertThat(LogOutput.apply(LogFormat.TEXT)).isTrue();
        assertThat(logged("back to text")).matches("\\d{4}-\\d\\d-\\d\\dT\\S+ INFO  \\[[^]]+\\] test - back to text\\R");
    }
}
