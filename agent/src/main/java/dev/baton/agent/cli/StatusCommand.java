package dev.baton.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code baton status [--api URL] [--json]}: what a node knows: leader, term, each service's active instance. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Shows a node's view: leader, term, and each service's active instance with every node's"
                + " verdict. Reads the node's status endpoint (api.listen).")
final class StatusCommand implements Callable<Integer> {
    static final String DEFAULT_API = "http://127.0.0.1:7480";

    @Option(names = "--api", paramLabel = "URL", defaultValue = DEFAULT_API,
            description = "The node's API address (default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--json", description = "Print the raw JSON document.")
    boolean json;

    @Option(names = "--service", paramLabel = "NAME", description = "Show this one service.")
    String service;

    @Option(names = "--detail", description = "List every service (by default a node with more than "
            + StatusCommand.LISTED + " services prints a summary of them).")
    boolean detail;

    /** Up to this many services are listed without --detail. */
    static final int LISTED = 10;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String base = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        if (!base.startsWith("http://") && !base.startsWith("https://")) base = "http://" + base;
        String body;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String query = service != null ? "?service=" + java.net.URLEncoder.encode(service, java.nio.charset.StandardCharsets.UTF_8)
                    : detail ? "" : "?limit=" + LISTED;
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/status" + query))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404 && service != null) {
                err.println("baton status: no service named " + service + " on " + base);
                err.flush();
                return BatonCli.EXIT_FAILURE;
            }
            if (response.statusCode() != 200) {
                err.println("baton status: " + base + "/v1/status answered HTTP " + response.statusCode());
                err.flush();
                return BatonCli.EXIT_FAILURE;
            }
            body = response.body();
        } catch (IOException | IllegalArgumentException e) {
            err.println("baton status: cannot reach " + base + ": " + reason(e));
            err.flush();
            return BatonCli.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BatonCli.EXIT_FAILURE;
        }
        if (json) {
            out.println(body);
            out.flush();
            return BatonCli.EXIT_OK;
        }
        try {
            print(new ObjectMapper().readTree(body), out);
        } catch (IOException e) {
            err.println("baton status: the node's answer is not JSON: " + e.getMessage());
            err.flush();
            return BatonCli.EXIT_FAILURE;
        }
        out.flush();
        return BatonCli.EXIT_OK;
    }

    private static void print(JsonNode s, PrintWriter out) {
        printNode(s, out);
        JsonNode summary = s.path("summary");
        int total = s.path("services_total").asInt(s.path("services").size());
        if (summary.isObject()) {
            JsonNode sv = summary.path("services");
            out.printf("%d service%s: %d on their preferred instance, %d failed over, %d answering nothing, %d not"
                            + " decided yet%n", total, total == 1 ? "" : "s", sv.path("preferred").asInt(),
                    sv.path("failed_over").asInt(), sv.path("none").asInt(), sv.path("undecided").asInt());
            out.printf("  this node's checks: %s%s%n", counts(summary.path("local_checks")),
                    summary.path("publishers").isEmpty() ? "" : "; publishers: " + counts(summary.path("publishers")));
        }
        int listed = s.path("services").size();
        if (listed < total) {
            out.printf("(%d of %d services listed; --detail lists every service, --service NAME one)%n", listed, total);
        }
        printServices(s, out);
    }

    private static String counts(JsonNode byState) {
        StringBuilder sb = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = byState.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (sb.length() > 0) sb.append(", ");
            sb.append(e.getValue().asInt()).append(' ').append(e.getKey().replace('_', ' '));
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private static void printNode(JsonNode s, PrintWriter out) {
        int leader = s.path("leader").asInt();
        out.printf("cluster %s, node %d: %s, term %d, leader %s, %s%n", s.path("cluster").asText(),
                s.path("node").asInt(), s.path("role").asText(), s.path("term").asLong(),
                leader == 0 ? "none" : "node " + leader, s.path("current").asBoolean() ? "current" : "NOT current");
        for (JsonNode p : s.path("peers")) {
            out.printf("  peer %d%s: %s%n", p.path("id").asInt(), p.path("witness").asBoolean() ? " (witness)" : "",
                    p.path("reachable").asBoolean() ? "reachable, last contact " + p.path("last_contact_ms").asLong() + " ms ago"
                            : "unreachable");
        }
    }

    private static void printServices(JsonNode s, PrintWriter out) {
        for (JsonNode svc : s.path("services")) {
            out.printf("service %s (%s): active %s%s%n", svc.path("name").asText(), svc.path("fqdn").asText(),
                    svc.path("active").isNull() ? "none" : svc.path("active").asText(),
                    svc.path("address").isNull() ? "" : " (" + svc.path("address").asText() + ")");
            if (svc.has("reason")) {
                out.printf("  decided in term %d at %s: %s%n", svc.path("decided_term").asLong(),
                        svc.path("decided_at").asText(), svc.path("reason").asText());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = svc.path("verdicts").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.printf("  node %s saw: %s%n", e.getKey(), states(e.getValue()));
            }
            out.printf("  this node sees: %s%n", states(svc.path("local_checks")));
            for (Iterator<Map.Entry<String, JsonNode>> it = svc.path("local_check_failures").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.printf("  check of %s failed: %s%n", e.getKey(), e.getValue().asText());
            }
            JsonNode overrides = svc.path("overrides");
            if (!overrides.path("pinned").isNull() && overrides.has("pinned")) {
                out.printf("  PINNED to %s by an operator: no automatic change until baton unpin%n",
                        overrides.path("pinned").asText());
            }
            if (!overrides.path("drained").isEmpty()) {
                out.printf("  drained by an operator: %s%n", overrides.path("drained").toString());
            }
            printPublishers(svc.path("publishers"), out);
        }
        if (s.has("leader_publishers")) {
            out.println("leader node:");
            printPublishers(s.path("leader_publishers"), out);
        }
    }

    /** One line per publisher: state, the value published and its fence, then the error if it fails. */
    private static void printPublishers(JsonNode publishers, PrintWriter out) {
        for (JsonNode p : publishers) {
            StringBuilder line = new StringBuilder("  publish ").append(p.path("kind").asText()).append(' ')
                    .append(p.path("target").asText()).append(": ").append(p.path("state").asText().replace('_', ' '));
            if (!p.path("published").isNull() && p.has("published")) {
                line.append(", published ").append(p.path("published").asText());
                if (!p.path("fence").isNull()) line.append(" (").append(p.path("fence").asText()).append(')');
            }
            if (p.path("publish_ms").isNumber()) line.append(", last change took ").append(p.path("publish_ms").asLong()).append(" ms");
            if (p.path("attempts").asInt() > 0) line.append(", ").append(p.path("attempts").asInt()).append(" failed attempts");
            out.println(line);
            if ("failing".equals(p.path("state").asText()) && !p.path("last_error").isNull()) {
                out.printf("    last error (%s): %s%n", p.path("last_error_at").asText(), p.path("last_error").asText());
            }
            if (!p.path("detail").isNull() && p.has("detail")) out.printf("    %s%n", p.path("detail").asText());
        }
    }

    private static String states(JsonNode byInstance) {
        StringBuilder sb = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = byInstance.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (sb.length() > 0) sb.append(", ");
            sb.append(e.getKey()).append(' ').append(e.getValue().asText());
        }
        return sb.toString();
    }

    /** Why the request failed, in words: the JDK client reports a refused connect without any message. */
    static String reason(Exception e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused or unreachable (is the agent running, with api.listen at this address?)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) return "no answer within the timeout";
        if (e instanceof IllegalArgumentException) return "not a valid URL (" + e.getMessage() + ")";
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
