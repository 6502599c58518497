package dev.baton.agent.bench;

import dev.baton.agent.e2e.AgentCluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads what each node of an {@link AgentCluster} logged since the last read: the benches time their inner
 * stages from the agents' logback lines, which carry the wall-clock millisecond at which the event happened.
 * Not thread-safe.
 */
final class NodeLogTail {
    private final AgentCluster cluster;
    private final long[] offsets = new long[AgentCluster.SIZE + 1];

    NodeLogTail(AgentCluster cluster) {
        this.cluster = cluster;
    }

    /** The lines each node logged since the last call (complete lines only), keyed by node id. */
    Map<Integer, List<String>> readNewLines() throws IOException {
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        for (int id = 1; id <= AgentCluster.SIZE; id++) {
            Path log = cluster.node(id).logFile();
            List<String> lines = new ArrayList<>();
            if (Files.exists(log)) {
                try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                    long length = f.length();
                    if (length > offsets[id]) {
                        byte[] bytes = new byte[(int) (length - offsets[id])];
                        f.seek(offsets[id]);
                        f.readFully(bytes);
                        int lastNewline = lastIndexOf(bytes, (byte) '\n');
                        if (lastNewline >= 0) {
                            String text = new String(bytes, 0, lastNewline + 1, StandardCharsets.UTF_8);
                            lines.addAll(text.lines().toList());
                            offsets[id] += lastNewline + 1;
                        }
                    }
                }
            }
            out.put(id, lines);
        }
        return out;
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        for (int i = bytes.length - 1; i >= 0; i--) if (bytes[i] == b) return i;
        return -1;
    }

    /** The epoch milliseconds of a logback line ({@code 2026-11-29T16:30:23.833Z INFO ...}). */
    static OptionalLong timestamp(String line) {
        int space = line.indexOf(' ');
        if (space <= 0) return OptionalLong.empty();
        try {
            return OptionalLong.of(OffsetDateTime.parse(line.substring(0, space)).toInstant().toEpochMilli());
        } catch (DateTimeParseException e) {
            return OptionalLong.empty();
        }
    }
}
