package dev.baton.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ConfigError;
import dev.baton.agent.config.ConfigException;
import dev.baton.agent.config.ConfigLoader;
import dev.baton.agent.config.HostPort;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The options of the commands that talk to a node's API (a picocli mixin): {@code --api URL} (default: the
 * {@code api.listen} of {@code --config FILE} when given, else {@value #DEFAULT_API}), the token from
 * {@code --token-file F}, else {@code BATON_TOKEN}, else the config's {@code api.token_file}, and
 * {@code --ca-file} to trust an API's own certificate. The token is sent, never printed.
 */
final class ApiOptions {
    static final String DEFAULT_API = "http://127.0.0.1:7480";
    static final String TOKEN_ENV = "BATON_TOKEN";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--api", paramLabel = "URL", description = "The node's API (default: api.listen of --config,"
            + " else " + DEFAULT_API + ").")
    String api;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A node's config: its api.listen, api.tls"
            + " and api.token_file are used unless --api / --token-file say otherwise.")
    Path config;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The API token (default: $" + TOKEN_ENV
            + ", else the config's api.token_file).")
    Path tokenFile;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust this certificate (chain) for an https API.")
    Path caFile;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** A failure to report: the message, and the exit code. */
    static final class Failure extends Exception {
        final int exit;

        Failure(String message, int exit) {
            super(message);
            this.exit = exit;
        }
    }

    /** A response: status and parsed JSON body (an empty object when the body is not JSON). */
    record Response(int status, JsonNode body, String base) {
        String error() {
            return body.path("error").asText("HTTP " + status);
        }
    }

    /** {@code GET path} (with its query). */
    Response get(String pathAndQuery) throws Failure {
        return send(pathAndQuery, null);
    }

    /** {@code POST path} with a JSON body, carrying the bearer token when one is known. */
    Response post(String path, Object body) throws Failure {
        try {
            return send(path, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new Failure("cannot encode the request", BatonCli.EXIT_FAILURE);
        }
    }

    private Response send(String pathAndQuery, String postBody) throws Failure {
        Optional<BatonConfig> loaded = loadConfig();
        String base = base(loaded);
        try {
            HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
            if (caFile != null) client.sslContext(trusting(caFile));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                    .timeout(Duration.ofSeconds(40)).header("Accept", "application/json");
            if (postBody != null) {
                Optional<String> token = token(loaded);
                token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
                request.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(postBody, StandardCharsets.UTF_8));
            }
            HttpResponse<String> response = client.build().send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = JSON.readTree(response.body());
            } catch (IOException e) {
                body = JSON.createObjectNode();
            }
            return new Response(response.statusCode(), body == null ? JSON.createObjectNode() : body, base);
        } catch (IOException | IllegalArgumentException e) {
            throw new Failure("cannot reach " + base + ": " + StatusCommand.reason(e), BatonCli.EXIT_FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", BatonCli.EXIT_FAILURE);
        }
    }

    private Optional<BatonConfig> loadConfig() throws Failure {
        if (config == null) return Optional.empty();
        BatonCli baton = (BatonCli) command.parent().userObject();
        try {
            return Optional.of(new ConfigLoader(baton.env()).load(config));
        } catch (ConfigException e) {
            StringBuilder sb = new StringBuilder(config + " is not valid:");
            for (ConfigError error : e.errors()) sb.append(System.lineSeparator()).append("  ").append(error);
            throw new Failure(sb.toString(), BatonCli.EXIT_USAGE);
        }
    }

    private String base(Optional<BatonConfig> loaded) {
        String url = api;
        if (url == null && loaded.isPresent()) {
            HostPort listen = loaded.get().api().listen();
            String host = listen.host().contains(":") ? "[" + listen.host() + "]" : listen.host();
            // A wildcard listen address is reached through loopback on the node itself.
            if (host.equals("0.0.0.0")) host = "127.0.0.1";
            if (host.equals("[::]")) host = "[::1]";
            url = (loaded.get().api().tls().isPresent() ? "https://" : "http://") + host + ":" + listen.port();
        }
        if (url == null) url = DEFAULT_API;
        if (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        if (!url.startsWith("http://") && !url.startsWith("https://")) url = "http://" + url;
        return url;
    }

    private Optional<String> token(Optional<BatonConfig> loaded) throws Failure {
        if (tokenFile != null) {
            try {
                String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
                if (token.isEmpty()) throw new Failure("token file " + tokenFile + " is empty", BatonCli.EXIT_USAGE);
                return Optional.of(token);
            } catch (IOException e) {
                throw new Failure("cannot read token file " + tokenFile + " (" + e.getClass().getSimpleName() + ")",
                        BatonCli.EXIT_USAGE);
            }
        }
        BatonCli baton = (BatonCli) command.parent().userObject();
        String fromEnv = baton.env().apply(TOKEN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return Optional.of(fromEnv.strip());
        return loaded.flatMap(c -> c.api().token()).map(dev.baton.agent.config.Secret::text);
    }

    private static SSLContext trusting(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) throw new IOException(pem + " holds no certificate");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not a PEM certificate (" + e.getClass().getSimpleName() + ")");
        }
    }
}
