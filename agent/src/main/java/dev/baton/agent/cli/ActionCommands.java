package dev.baton.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The operator actions: {@code baton switch|drain|undrain|pin|unpin|approve-failback}, each a
 * {@code POST /v1/services/{name}/{action}} to any node (it forwards to the leader). Exit 0 once the action is
 * committed, 1 when it is refused or fails (the reason on standard error), 2 for bad usage.
 */
final class ActionCommands {
    private ActionCommands() {
    }

    /** What every action command shares: the API options, the call, and the words for each refusal. */
    abstract static class ActionCommand implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
        String service;

        /** The action's name in the URL: the command's own name ({@code switch}, {@code approve-failback}). */
        String action() {
            return spec.name();
        }

        /** The instance the action names; null for none. */
        String instance() {
            return null;
        }

        boolean force() {
            return false;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Map<String, Object> body = new LinkedHashMap<>();
            if (instance() != null) body.put("instance", instance());
            if (force()) body.put("force", true);
            String name = "baton " + action();
            try {
                ApiOptions.Response r = api.post("/v1/services/" + URLEncoder.encode(service, StandardCharsets.UTF_8)
                        + "/" + action(), body);
                if (r.status() == 200) {
                    out.println(r.body().path("outcome").asText("done") + " (log index " + r.body().path("index").asLong() + ")");
                    out.flush();
                    return BatonCli.EXIT_OK;
                }
                err.println(name + ": " + explain(r));
            } catch (ApiOptions.Failure f) {
                err.println(name + ": " + f.getMessage());
                err.flush();
                return f.exit;
            }
            err.flush();
            return BatonCli.EXIT_FAILURE;
        }

        private String explain(ApiOptions.Response r) {
            String error = r.error();
            return switch (r.status()) {
                case 401 -> "the node refused the token (HTTP 401); give the right one with --token-file FILE or "
                        + ApiOptions.TOKEN_ENV + "; nothing was changed";
                case 404 -> error;
                case 409 -> "refused: " + error.replace("use force", "use --force");
                case 503 -> "the cluster cannot act now: " + error;
                default -> r.base() + " answered HTTP " + r.status() + ": " + error;
            };
        }
    }

    /** An action that names an instance: {@code SERVICE INSTANCE}. */
    abstract static class InstanceActionCommand extends ActionCommand {
        @Parameters(index = "1", paramLabel = "INSTANCE", description = "The instance.")
        String target;

        @Override
        String instance() {
            return target;
        }
    }

    /** An action that names an instance and may be forced past the quorum-health rule. */
    abstract static class ForcibleActionCommand extends InstanceActionCommand {
        @Option(names = "--force", description = "Even if a quorum of nodes does not see INSTANCE healthy.")
        boolean forced;

        @Override
        boolean force() {
            return forced;
        }
    }

    @Command(name = "switch", mixinStandardHelpOptions = true, description = "Makes INSTANCE the active instance"
            + " of SERVICE. Refused unless a quorum of nodes sees it healthy, or --force.")
    static final class Switch extends ForcibleActionCommand {
    }

    @Command(name = "drain", mixinStandardHelpOptions = true, description = "Never selects INSTANCE of SERVICE"
            + " while drained (moving away from it now if it is active), for maintenance.")
    static final class Drain extends InstanceActionCommand {
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true, description = "Lets INSTANCE of SERVICE be"
            + " selected again.")
    static final class Undrain extends InstanceActionCommand {
    }

    @Command(name = "pin", mixinStandardHelpOptions = true, description = "Keeps SERVICE on INSTANCE: no automatic"
            + " change while pinned, even if INSTANCE goes down.")
    static final class Pin extends ForcibleActionCommand {
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true, description = "Lets SERVICE's policy choose again.")
    static final class Unpin extends ActionCommand {
    }

    @Command(name = "approve-failback", mixinStandardHelpOptions = true, description = "For failback: manual:"
            + " moves SERVICE back to its best healthy instance.")
    static final class ApproveFailback extends ActionCommand {
    }

    /** {@code baton history [SERVICE] [--json] [--limit N]}: committed decisions, actions and leader changes. */
    @Command(name = "history", mixinStandardHelpOptions = true, description = "Shows the replicated history,"
            + " newest first: decisions with their reasons, operator actions with who asked, leader changes.")
    static final class History implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "Only this service.")
        String service;

        @Option(names = "--json", description = "Print the raw JSON document.")
        boolean json;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N items"
                + " (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String query = "?limit=" + limit + (service == null ? "" : "&service="
                    + URLEncoder.encode(service, StandardCharsets.UTF_8));
            try {
                ApiOptions.Response r = api.get("/v1/history" + query);
                if (r.status() != 200) {
                    err.println("baton history: " + r.error());
                    err.flush();
                    return BatonCli.EXIT_FAILURE;
                }
                if (json) out.println(r.body().toPrettyString());
                else for (JsonNode item : r.body().path("items")) out.println(line(item));
                out.flush();
                return BatonCli.EXIT_OK;
            } catch (ApiOptions.Failure f) {
                err.println("baton history: " + f.getMessage());
                err.flush();
                return f.exit;
            }
        }

        static String line(JsonNode item) {
            String head = item.path("at").asText() + "  #" + item.path("seq").asLong() + "  ";
            return head + switch (item.path("kind").asText()) {
                case "decision" -> item.path("service").asText() + " -> " + (item.path("instance").isNull() ? "none"
                        : item.path("instance").asText()) + " (term " + item.path("term").asLong() + "): "
                        + item.path("reason").asText();
                case "action" -> item.path("service").asText() + " " + item.path("action").asText()
                        + (item.path("instance").isNull() ? "" : " " + item.path("instance").asText())
                        + (item.path("force").asBoolean() ? " --force" : "") + " by " + item.path("by").asText()
                        + " via node " + item.path("via_node").asInt() + ": "
                        + (item.path("accepted").asBoolean() ? "" : "REFUSED: ") + item.path("outcome").asText();
                case "leader" -> "node " + item.path("leader").asInt() + " leads (term " + item.path("term").asLong() + ")";
                default -> item.toString();
            };
        }
    }
}
