package dev.baton.agent.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JVM options an agent runs with, read from {@code dev/baton/agent/jvm.options}: the same file
 * {@code bin/baton} reads, so the demo, the tests' agent processes and the launcher size the JVM alike.
 */
public final class JvmOptions {
    static final String RESOURCE = "/dev/baton/agent/jvm.options";

    private JvmOptions() {
    }

    /** The options, one per non-comment line. */
    public static List<String> agent() {
        try (InputStream in = JvmOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
