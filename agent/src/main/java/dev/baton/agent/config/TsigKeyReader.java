package dev.baton.agent.config;

import dev.baton.agent.config.publish.TsigKeyConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code tsig: {name, algorithm, secret_file}}. The file holds the base64 secret alone, or a BIND key
 * file as {@code tsig-keygen} writes it ({@code key "name" { algorithm hmac-sha256; secret "..."; };}); a name
 * or algorithm in the file must agree with the config's.
 */
final class TsigKeyReader {
    private static final List<String> ALGORITHMS = TsigKeyConfig.ALGORITHMS;
    private static final String DEFAULT_ALGORITHM = TsigKeyConfig.DEFAULT_ALGORITHM;
    private static final Pattern KEY_FILE = Pattern.compile(
            "key\\s+\"?([A-Za-z0-9._-]+?)\\.?\"?\\s*\\{(.*?)}\\s*;", Pattern.DOTALL);
    private static final Pattern ALGORITHM = Pattern.compile("algorithm\\s+\"?([A-Za-z0-9.-]+?)\\.?\"?\\s*;");
    private static final Pattern SECRET = Pattern.compile("secret\\s+\"([A-Za-z0-9+/=\\s]+)\"\\s*;");

    private TsigKeyReader() {
    }

    static Optional<TsigKeyConfig> read(ConfigNode tsig, Path configDir) {
        if (tsig.requireMap().isEmpty()) return Optional.empty();
        tsig.allowOnly("name", "algorithm", "secret_file");
        ConfigNode nameNode = tsig.get("name");
        Optional<String> name = nameNode.requireText().filter(n -> {
            if (DnsNames.isHostName(n)) return true;
            nameNode.error(nameNode.describe() + " is not a valid key name (a DNS name, e.g. baton-key)");
            return false;
        }).map(DnsNames::toAbsolute);
        ConfigNode algorithmNode = tsig.get("algorithm");
        Optional<String> algorithm = algorithmNode.isPresent()
                ? algorithmNode.asText().map(a -> a.toLowerCase(Locale.ROOT)).filter(a -> {
                    if (ALGORITHMS.contains(a)) return true;
                    algorithmNode.error("\"" + a + "\" is not one of: " + String.join(", ", ALGORITHMS));
                    return false;
                })
                : Optional.empty();
        if (algorithmNode.isPresent() && algorithm.isEmpty()) return Optional.empty();
        ConfigNode fileNode = tsig.get("secret_file");
        Optional<String> fileName = fileNode.requireText();
        if (name.isEmpty() || fileName.isEmpty()) return Optional.empty();
        Path file = configDir.resolve(fileName.get()).normalize();
        Optional<byte[]> content = SecretFiles.read(file, fileNode, "; make a key with: tsig-keygen -a hmac-sha256 "
                + name.get().substring(0, name.get().length() - 1) + " > " + file);
        if (content.isEmpty()) return Optional.empty();
        String text = new String(content.get(), StandardCharsets.US_ASCII);
        String where = "file " + file;
        String secretText = text.strip();
        Matcher key = KEY_FILE.matcher(text);
        if (key.find()) {
            String fileKeyName = DnsNames.toAbsolute(key.group(1));
            if (!fileKeyName.equals(name.get())) {
                fileNode.error(where + " defines key " + fileKeyName + ", but tsig.name is " + name.get());
                return Optional.empty();
            }
            Matcher alg = ALGORITHM.matcher(key.group(2));
            if (alg.find()) {
                String fileAlgorithm = alg.group(1).toLowerCase(Locale.ROOT);
                if (algorithm.isPresent() && !algorithm.get().equals(fileAlgorithm)) {
                    fileNode.error(where + " says algorithm " + fileAlgorithm + ", but tsig.algorithm is " + algorithm.get());
                    return Optional.empty();
                }
                if (!ALGORITHMS.contains(fileAlgorithm)) {
                    fileNode.error(where + " uses algorithm " + fileAlgorithm + "; supported: " + String.join(", ", ALGORITHMS));
                    return Optional.empty();
                }
                algorithm = Optional.of(fileAlgorithm);
            }
            Matcher secret = SECRET.matcher(key.group(2));
            if (!secret.find()) {
                fileNode.error(where + " is a BIND key file without a secret \"...\"; line");
                return Optional.empty();
            }
            secretText = secret.group(1);
        }
        byte[] secret;
        try {
            secret = Base64.getMimeDecoder().decode(secretText.replaceAll("\\s", ""));
            if (secret.length == 0 || !secretText.replaceAll("\\s", "").matches("[A-Za-z0-9+/]+={0,2}")) {
                throw new IllegalArgumentException("not base64");
            }
        } catch (IllegalArgumentException e) {
            fileNode.error(where + " holds neither a base64 secret nor a BIND key file (its content is not shown)");
            return Optional.empty();
        }
        return Optional.of(new TsigKeyConfig(name.get(), algorithm.orElse(DEFAULT_ALGORITHM),
                new dev.baton.agent.config.Secret(secret, where)));
    }
}
