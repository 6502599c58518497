package dev.baton.agent.publish.vip;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects a process stream's lines on a daemon thread, so tests and benches can look at them while it runs. */
public final class OutputLines {
    private final List<String> lines = new ArrayList<>();

    private OutputLines() {
    }

    public static OutputLines of(InputStream stream, String name) {
        OutputLines collected = new OutputLines();
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) collected.add(line);
            } catch (IOException e) {
                // the process ended
            }
        }, "lines-" + name);
        t.setDaemon(true);
        t.start();
        return collected;
    }

    private synchronized void add(String line) {
        lines.add(line);
    }

    public synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }

    public synchronized int size() {
        return lines.size();
    }

    /** Lines from index {@code from} on. */
    public synchronized List<String> since(int from) {
        return List.copyOf(lines.subList(Math.min(from, lines.size()), lines.size()));
    }

    public synchronized boolean any(Predicate<String> test) {
        return lines.stream().anyMatch(test);
    }
}
