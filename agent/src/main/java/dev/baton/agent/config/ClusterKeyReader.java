package dev.baton.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the cluster key from {@code BATON_CLUSTER_KEY} (hex or base64) or, when that is unset, from
 * {@code cluster.key_file} (hex or base64 text as {@code baton keygen} writes, or raw bytes). Errors name the
 * variable or file, never the key material.
 */
final class ClusterKeyReader {
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    private static final Pattern BASE64_URL = Pattern.compile("[A-Za-z0-9_-]+={0,2}");
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");

    private ClusterKeyReader() {
    }

    /** Reads the key, reporting problems at {@code keyFile}'s path or at the variable's name. */
    static Optional<ClusterKey> read(ConfigNode keyFile, Path configDir, Function<String, String> env) {
        String fromEnv = env.apply(ConfigLoader.KEY_ENV);
        Optional<String> fileName = keyFile.asText();
        if (fromEnv != null && !fromEnv.isBlank()) return fromEnvironment(fromEnv, keyFile);
        if (!keyFile.isPresent()) {
            keyFile.error("required (or set " + ConfigLoader.KEY_ENV + "); create a key with: baton keygen > cluster.key");
            return Optional.empty();
        }
        if (fileName.isEmpty()) return Optional.empty();
        if (fileName.get().isBlank()) {
            keyFile.error("must not be empty");
            return Optional.empty();
        }
        return fromFile(configDir.resolve(fileName.get()).normalize(), keyFile);
    }

    private static Optional<ClusterKey> fromEnvironment(String value, ConfigNode at) {
        String where = "environment variable " + ConfigLoader.KEY_ENV;
        Optional<byte[]> bytes = decodeText(value);
        if (bytes.isEmpty()) {
            at.error(where + " is set but is neither hex nor base64 (its value is not shown)");
            return Optional.empty();
        }
        return checkLength(bytes.get(), where, at);
    }

    private static Optional<ClusterKey> fromFile(Path file, ConfigNode at) {
        String where = "file " + file;
        Optional<byte[]> read = SecretFiles.read(file, at, "; create it with: baton keygen > " + file);
        if (read.isEmpty()) return Optional.empty();
        byte[] content = read.get();
        // Text that decodes as hex or base64 is a keygen-style key; anything else is used as raw bytes.
        Optional<byte[]> decoded = isPrintableAscii(content)
                ? decodeText(new String(content, StandardCharsets.US_ASCII))
                : Optional.empty();
        return checkLength(decoded.orElse(content), where, at);
    }

    private static Optional<ClusterKey> checkLength(byte[] key, String where, ConfigNode at) {
        if (key.length < ClusterKey.MIN_BYTES) {
            at.error(where + " holds a key of " + key.length + " bytes; at least " + ClusterKey.MIN_BYTES
                    + " are required (baton keygen makes one)");
            return Optional.empty();
        }
        return Optional.of(new ClusterKey(key, where));
    }

    /**
     * Hex (checked first: 64 hex digits are also valid base64) or base64, standard or URL-safe alphabet,
     * padding optional, surrounding whitespace and line breaks ignored (wrapped base64). Spaces inside are
     * not ignored, so a passphrase with spaces stays raw bytes. Empty when the text is neither.
     */
    static Optional<byte[]> decodeText(String text) {
        String compact = LINE_BREAKS.matcher(text.strip()).replaceAll("");
        if (compact.isEmpty()) return Optional.empty();
        if (HEX.matcher(compact).matches()) return Optional.of(HexFormat.of().parseHex(compact));
        try {
            if (BASE64.matcher(compact).matches()) return Optional.of(Base64.getDecoder().decode(compact));
            if (BASE64_URL.matcher(compact).matches()) return Optional.of(Base64.getUrlDecoder().decode(compact));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // bad length or padding; the exception message is safe but unhelpful
        }
        return Optional.empty();
    }

    private static boolean isPrintableAscii(byte[] content) {
        for (byte b : content) {
            if (!(b >= 0x20 && b < 0x7f) && b != '\n' && b != '\r' && b != '\t') return false;
        }
        return true;
    }
}
