package dev.baton.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * {@code <data_dir>/baton.pid}: the process id of the agent running on that data directory, so that
 * {@code baton reload --config F} finds the agent to signal from the same config file, with no API call. Written
 * (atomically, by rename) when the agent has started, removed when it stops. One agent per data directory: the
 * election's storage already requires it.
 */
public final class PidFile {
    /** The file's name inside the data directory. */
    public static final String NAME = "baton.pid";

    private PidFile() {
    }

    /** Writes this process's id into {@code dataDir}; throws if the directory cannot be written. */
    static void write(Path dataDir) throws IOException {
        Path tmp = dataDir.resolve(NAME + ".tmp");
        Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, dataDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes the file if it still names this process (a newer agent may have replaced it). Never throws. */
    static void remove(Path dataDir) {
        try {
            if (read(dataDir).orElse(-1) == ProcessHandle.current().pid()) Files.deleteIfExists(dataDir.resolve(NAME));
        } catch (IOException | RuntimeException e) {
            // Best effort: a stale file is detected by the reader (no such process).
        }
    }

    /**
     * The id written in {@code dataDir}'s pid file; empty when there is none (no agent started there).
     *
     * @throws IOException if the file exists but cannot be read or holds no process id
     */
    public static OptionalLong read(Path dataDir) throws IOException {
        String text;
        try {
            text = Files.readString(dataDir.resolve(NAME), StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IOException(dataDir.resolve(NAME) + " holds no process id");
        }
    }
}
