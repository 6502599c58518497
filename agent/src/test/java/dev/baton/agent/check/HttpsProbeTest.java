package dev.baton.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.baton.agent.check.http.PlainHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS against a loopback server with a self-signed certificate made by keytool, whose name (CN=localhost,
 * no IP SAN) does not even match the 127.0.0.1 we connect to.
 */
class HttpsProbeTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static HttpsServer server;
    private static ExecutorService clientThreads;
    private static URI url;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool exit code").isZero();

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/health", exchange -> PlainHttpProbeTest.respond(exchange, 200, "secure ok"));
        server.start();
        url = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/health");
        clientThreads = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.stop(0);
        if (clientThreads != null) clientThreads.shutdownNow();
    }

    private static ProbeResult probe(boolean insecure) {
        var spec = new CheckSpec.Http(url, 200, 299, Optional.of("secure ok"), insecure, TestSpecs.timeout(5000));
        HttpClient client = HttpProbe.newClient(insecure, clientThreads);
        return new HttpProbe(spec, client).run().orTimeout(15, TimeUnit.SECONDS).join();
    }

    @Test
    void selfSignedCertificateFailsVerificationByDefault() {
        ProbeResult result = probe(false);
        assertThat(result.healthy()).isFalse();
        assertThat(result.detail()).startsWith("TLS failed");
    }

    @Test
    void insecureAcceptsTheSelfSignedCertificate() {
        ProbeResult result = probe(true);
        assertThat(result.detail()).isEqualTo("HTTP 200");
        assertThat(result.healthy()).isTrue();
    }

    @Test
    void theFactoryPicksTheClientByTheSchemeAndTheSpecsInsecureFlag() throws IOException {
        try (PlainHttpClient plainClient = new PlainHttpClient("test-plain-http")) {
            ProbeFactory factory = new ProbeFactory(Runnable::run, clientThreads, plainClient);
            var secure = new CheckSpec.Http(url, 200, 299, Optional.empty(), false, TestSpecs.timeout(5000));
            var insecure = new CheckSpec.Http(url, 200, 299, Optional.empty(), true, TestSpecs.timeout(5000));
            assertThat(factory.create(secure)).isInstanceOf(HttpProbe.class);
            assertThat(factory.create(secure).run().orTimeout(15, TimeUnit.SECONDS).join().healthy()).isFalse();
            assertThat(factory.create(insecure).run().orTimeout(15, TimeUnit.SECONDS).join().healthy()).isTrue();
            var plain = new CheckSpec.Http(URI.create("http://127.0.0.1:1/health"), 200, 299, Optional.empty(), false,
                    TestSpecs.timeout(5000));
            assertThat(factory.create(plain)).isInstanceOf(PlainHttpProbe.class);
        }
    }
}
