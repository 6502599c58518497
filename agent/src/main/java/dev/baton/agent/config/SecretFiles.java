package dev.baton.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a node-local secret file (cluster key, API token, TSIG secret) with the checks every such file gets: it
 * exists, is a regular file, is small, is not empty; and a warning when group or others may read it. Errors
 * name the file and never its content.
 */
final class SecretFiles {
    /** A secret file is a few dozen bytes; anything this large is the wrong file. */
    static final int MAX_FILE_BYTES = 64 * 1024;

    private SecretFiles() {
    }

    /**
     * The file's bytes, or empty after reporting the problem at {@code at}. {@code hint} follows "does not
     * exist" (e.g. "; create it with: baton keygen > cluster.key"), may be empty.
     */
    static Optional<byte[]> read(Path file, ConfigNode at, String hint) {
        String where = "file " + file;
        byte[] content;
        try {
            if (!Files.exists(file)) {
                at.error(where + " does not exist" + hint);
                return Optional.empty();
            }
            if (!Files.isRegularFile(file)) {
                at.error(where + " is not a regular file");
                return Optional.empty();
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                at.error(where + " is larger than " + MAX_FILE_BYTES / 1024 + " KiB; is it the right file?");
                return Optional.empty();
            }
            content = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            at.error(where + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
        if (new String(content, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
            at.error(where + " is empty");
            return Optional.empty();
        }
        warnIfShared(file, at);
        return Optional.of(content);
    }

    /**
     * A token file named by {@code node} (relative to {@code configDir}): one word, surrounding whitespace
     * stripped. Empty after reporting the problem at {@code node}; errors never show the content.
     */
    static Optional<Secret> readToken(ConfigNode node, java.nio.file.Path configDir) {
        Optional<String> name = node.requireText();
        if (name.isEmpty()) return Optional.empty();
        Path file = configDir.resolve(name.get()).normalize();
        return read(file, node, "").flatMap(bytes -> {
            String token = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip();
            if (token.contains("\n") || token.contains(" ")) {
                node.error("file " + file + " holds more than one word; it must hold only the token");
                return Optional.empty();
            }
            return Optional.of(new Secret(token.getBytes(java.nio.charset.StandardCharsets.UTF_8), "file " + file));
        });
    }

    /** A secret others can read is a secret others can use: warn, as ssh does for keys. */
    private static void warnIfShared(Path file, ConfigNode at) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IOException | SecurityException e) {
            return; // not a POSIX file system: nothing to check
        }
        boolean group = perms.contains(PosixFilePermission.GROUP_READ);
        boolean others = perms.contains(PosixFilePermission.OTHERS_READ);
        if (group || others) {
            at.warn("file " + file + " is readable by " + (others ? "others" : "its group")
                    + "; restrict it with: chmod 600 " + file);
        }
    }
}
