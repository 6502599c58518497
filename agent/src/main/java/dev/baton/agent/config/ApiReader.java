package dev.baton.agent.config;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads {@code api:} (listen, token_file, tls) and {@code history:}. */
final class ApiReader {
    private ApiReader() {
    }

    static Optional<ApiConfig> read(ConfigNode api, Path configDir) {
        if (!api.isPresent()) return Optional.of(new ApiConfig(ApiConfig.DEFAULT_LISTEN));
        if (api.asMap().isEmpty()) return Optional.empty();
        api.allowOnly("listen", "token_file", "tls");
        ConfigNode listenNode = api.get("listen");
        Optional<HostPort> listen = listenNode.isPresent() ? listenNode.parseText(HostPort::parse)
                : Optional.of(ApiConfig.DEFAULT_LISTEN);
        ConfigNode tokenNode = api.get("token_file");
        Optional<Secret> token = tokenNode.isPresent() ? SecretFiles.readToken(tokenNode, configDir) : Optional.empty();
        if (tokenNode.isPresent() && token.isEmpty()) return Optional.empty();
        Optional<Optional<ApiConfig.TlsFiles>> tls = readTls(api.get("tls"), configDir);
        if (listen.isEmpty() || tls.isEmpty()) return Optional.empty();
        if (token.isEmpty() && !isLoopback(listen.get().host())) {
            // Anyone who can reach a non-loopback API could otherwise switch and drain (issue 9, "Security").
            api.get("listen").error("is not a loopback address, so api.token_file is required: every mutating call"
                    + " must carry its bearer token");
            return Optional.empty();
        }
        return Optional.of(new ApiConfig(listen.get(), token, tls.get()));
    }

    private static Optional<Optional<ApiConfig.TlsFiles>> readTls(ConfigNode tls, Path configDir) {
        if (!tls.isPresent()) return Optional.of(Optional.empty());
        if (tls.asMap().isEmpty()) return Optional.empty();
        tls.allowOnly("cert_file", "key_file");
        Optional<Path> cert = existingFile(tls.get("cert_file"), configDir);
        Optional<Path> key = existingFile(tls.get("key_file"), configDir);
        if (cert.isEmpty() || key.isEmpty()) return Optional.empty();
        return Optional.of(Optional.of(new ApiConfig.TlsFiles(cert.get(), key.get())));
    }

    private static Optional<Path> existingFile(ConfigNode node, Path configDir) {
        if (!node.isPresent()) {
            node.error("required");
            return Optional.empty();
        }
        return node.requireText().map(t -> configDir.resolve(t).normalize()).filter(file -> {
            if (Files.isRegularFile(file) && Files.isReadable(file)) return true;
            node.error("file " + file + " does not exist or cannot be read");
            return false;
        });
    }

    static boolean isLoopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) return true;
        InetAddress address = IpLiterals.parse(host);
        return address != null && address.isLoopbackAddress();
    }

    static Optional<HistoryConfig> readHistory(ConfigNode history) {
        if (!history.isPresent()) return Optional.of(HistoryConfig.DEFAULT);
        if (history.asMap().isEmpty()) return Optional.empty();
        history.allowOnly("keep");
        ConfigNode keep = history.get("keep");
        if (!keep.isPresent()) return Optional.of(HistoryConfig.DEFAULT);
        return keep.asInt().filter(n -> {
            if (n >= 1) return true;
            keep.error("must be at least 1");
            return false;
        }).map(HistoryConfig::new);
    }
}
