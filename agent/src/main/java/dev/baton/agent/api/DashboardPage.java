package dev.baton.agent.api;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live dashboard at {@code GET /} (issue 9): one self-contained page, {@value #RESOURCE} in the jar (HTML with
 * its CSS and script inline, no external asset, so it works with no internet access), which reads the JSON
 * endpoints and {@code /v1/events} of the node that served it. Also answers every other path under {@code /}
 * that no other context serves with the API's JSON 404.
 *
 * <p>Security headers: a Content-Security-Policy that allows only this page's own inline script and style,
 * by their SHA-256 hashes computed here from the page, and network requests to this origin alone
 * ({@code connect-src 'self'}); no framing; {@code Cache-Control: no-store}, so an upgraded node never serves an
 * old page from a browser's cache. The page puts API strings into the DOM as text only.
 */
final class DashboardPage {
    static final String RESOURCE = "dashboard.html";
    private static final Pattern INLINE = Pattern.compile("<(script|style)>(.*?)</\\1>", Pattern.DOTALL);

    private final byte[] page;
    private final String policy;

    /** Loads the page from the class path; throws {@link UncheckedIOException} when the jar lacks it. */
    DashboardPage() {
        try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException(RESOURCE + " is missing from the class path");
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        policy = contentSecurityPolicy(new String(page, StandardCharsets.UTF_8));
    }

    /** Serves the page for GET and HEAD of {@code /}; 405 for other methods; 404 for any other path. */
    void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            ApiServer.send(ex, 404, ApiServer.error("no such endpoint " + path + "; try /v1/status"));
            return;
        }
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            ApiServer.send(ex, 405, ApiServer.error("the dashboard takes GET"));
            return;
        }
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "text/html; charset=utf-8");
        h.set("Cache-Control", "no-store");
        h.set("Content-Security-Policy", policy);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        if (method.equals("HEAD")) {
            h.set("Content-Length", Integer.toString(page.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, page.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(page);
        }
    }

    /** The policy served with the page. */
    String policy() {
        return policy;
    }

    /** Allows exactly the page's inline {@code <script>} and {@code <style>} blocks (CSP Level 2 hash sources). */
    static String contentSecurityPolicy(String html) {
        List<String> scripts = new ArrayList<>();
        List<String> styles = new ArrayList<>();
        Matcher m = INLINE.matcher(html);
        while (m.find()) (m.group(1).equals("script") ? scripts : styles).add(hash(m.group(2)));
        return "default-src 'none'; script-src " + String.join(" ", scripts) + "; style-src " + String.join(" ", styles)
                + "; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    private static String hash(String block) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(block.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
