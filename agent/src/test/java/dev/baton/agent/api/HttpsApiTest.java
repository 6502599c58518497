package dev.baton.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.agent.config.ApiConfig;
import dev.baton.agent.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code api.tls}: HTTPS from PEM files made by the real openssl (RSA and EC keys, PKCS#8), a client that
 * trusts the certificate reads the status; keys in other shapes are refused with a message naming the file.
 */
class HttpsApiTest {
    private static final NodeApi STATUS_ONLY = new NodeApi() {
        @Override
        public Optional<Object> status(StatusQuery query) {
            return Optional.of(Map.of("node", 1));
        }

        @Override
        public Object cluster() {
            return Map.of();
        }

        @Override
        public Object services() {
            return Map.of();
        }

        @Override
        public Optional<Object> service(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<Object> history(HistoryQuery query) {
            return Optional.empty();
        }

        @Override
        public Health health() {
            return new Health(true, Map.of());
        }

        @Override
        public CompletableFuture<ActionResult> act(ActionRequest request) {
            return CompletableFuture.completedFuture(ActionResult.error(503, "no"));
        }
    };

    /** Runs openssl; fails the test with a clear message when it is missing. */
    static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs the openssl command (apt-get install openssl): " + e.getMessage());
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + " failed: "
                    + Files.readString(dir.resolve("openssl.log")));
        }
    }

    static void selfSigned(Path dir, String keyAlgorithm) throws Exception {
        String[] newkey = keyAlgorithm.equals("rsa") ? new String[] {"-newkey", "rsa:2048"}
                : new String[] {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"};
        List<String> args = new ArrayList<>(List.of("req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "api.key", "-out", "api.crt"));
        args.addAll(1, List.of(newkey));
        openssl(dir, args.toArray(new String[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ec"})
    void servesHttpsWithAPemCertificateAndPkcs8Key(String keyAlgorithm, @TempDir Path dir) throws Exception {
        selfSigned(dir, keyAlgorithm);
        assertThat(Files.readString(dir.resolve("api.key"))).contains("BEGIN PRIVATE KEY");
        ApiConfig config = new ApiConfig(new HostPort("127.0.0.1", 0), Optional.empty(),
                Optional.of(new ApiConfig.TlsFiles(dir.resolve("api.crt"), dir.resolve("api.key"))));
        try (ApiServer server = new ApiServer(config, STATUS_ONLY)) {
            server.start();
            assertThat(server.tls()).isTrue();
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(dir.resolve("api.crt"))).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + server.address().getPort() + "/v1/status")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"node\"");
        }
    }

    @Test
    void aTraditionalRsaKeyIsRefusedWithTheCommandThatConvertsIt(@TempDir Path dir) throws Exception {
        selfSigned(dir, "rsa");
        openssl(dir, "rsa", "-in", "api.key", "-out", "old.key", "-traditional");
        assertThatThrownBy(() -> PemTls.context(dir.resolve("api.crt"), dir.resolve("old.key")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("old.key holds no PEM PKCS#8 private key")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        Files.writeString(dir.resolve("junk.crt"), "not a certificate");
        assertThatThrownBy(() -> PemTls.context(dir.resolve("junk.crt"), dir.resolve("api.key")))
                .hasMessageContaining("junk.crt is not a PEM X.509 certificate chain");
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry("api", c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
