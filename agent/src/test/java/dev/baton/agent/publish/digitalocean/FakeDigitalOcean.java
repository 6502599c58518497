package dev.baton.agent.publish.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Address;

/**
 * An in-process stand-in for the parts of the DigitalOcean API v2 that Baton uses, modelled on DigitalOcean's
 * OpenAPI description (github.com/digitalocean/openapi, specification/resources/domains, reserved_ips, actions and
 * shared/): domain records (list with the {@code name} (full name) and {@code type} filters, paginated with
 * absolute {@code links.pages} URLs and {@code meta.total}; create; update by PUT or PATCH; delete), reserved IPs
 * (get; {@code assign}/{@code unassign} actions that stay {@code in-progress} for a configurable number of polls;
 * action list and status under {@code /v2/reserved_ips/{ip}/actions} and {@code /v2/actions/{id}}), Bearer
 * authentication, and the rate-limit headers on every answer.
 *
 * <p>Tests script faults ({@link #inject}) and read every request it received ({@link #requests}). It listens
 * on 127.0.0.1, an ephemeral port unless told otherwise; {@link #main} runs it alone for end-to-end tests.
 *
 * <p>Where the API's behaviour is not in the description, this fake assumes: the 422 messages
 * {@value #PENDING_EVENT} and {@value #ALREADY_ASSIGNED}; that a CNAME's data must end with a dot; a TTL under 30
 * seconds is refused with 422. Thread-safe: one lock around all state.
 */
public final class FakeDigitalOcean implements AutoCloseable {
    public static final String PENDING_EVENT = "The reserved IP already has a pending event.";
    public static final String ALREADY_ASSIGNED = "The reserved IP is already assigned to that Droplet.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RECORDS = Pattern.compile("/v2/domains/([^/]+)/records");
    private static final Pattern RECORD = Pattern.compile("/v2/domains/([^/]+)/records/(\\d+)");
    private static final Pattern IP = Pattern.compile("/v2/reserved_ips/([^/]+)");
    private static final Pattern IP_ACTIONS = Pattern.compile("/v2/reserved_ips/([^/]+)/actions");
    private static final Pattern IP_ACTION = Pattern.compile("/v2/reserved_ips/([^/]+)/actions/(\\d+)");
    private static final Pattern ACTION = Pattern.compile("/v2/actions/(\\d+)");

    /** One domain record as stored; {@code name} relative to the domain, {@code @} for the apex. */
    public record Rec(long id, String type, String name, String data, long ttl) {
    }

    /** One request as received: the path without the query, the raw query (or ""), headers with lower-case names. */
    public record Recorded(String method, String path, String query, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The decoded query parameter, or null. */
        public String param(String name) {
            return parseQuery(query).get(name);
        }

        public boolean isWrite() {
            return !method.equals("GET");
        }

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query) + (body.isEmpty() ? "" : " " + body);
        }
    }

    /**
     * A scripted answer for the next {@code times} requests whose method is {@code method} and whose path matches
     * {@code pathRegex} (whole path) and, when set, whose body contains {@code bodyContains}. With
     * {@code afterApplying} the request takes effect first (a create that succeeded but whose answer was a 5xx).
     */
    public record Fault(String method, String pathRegex, String bodyContains, int status, String id, String message,
                        Map<String, String> headers, boolean applyFirst, int times) {
        public static Fault of(String method, String pathRegex, int status, String message) {
            return new Fault(method, pathRegex, null, status, idFor(status), message, Map.of(), false, 1);
        }

        public Fault withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Fault(method, pathRegex, bodyContains, status, id, message, Map.copyOf(h), applyFirst, times);
        }

        public Fault whenBodyContains(String text) {
            return new Fault(method, pathRegex, text, status, id, message, headers, applyFirst, times);
        }

        public Fault afterApplying() {
            return new Fault(method, pathRegex, bodyContains, status, id, message, headers, true, times);
        }

        public Fault times(int n) {
            return new Fault(method, pathRegex, bodyContains, status, id, message, headers, applyFirst, n);
        }

        boolean matches(Recorded r) {
            return method.equals(r.method()) && r.path().matches(pathRegex)
                    && (bodyContains == null || r.body().contains(bodyContains));
        }

        private static String idFor(int status) {
            return switch (status) {
                case 401 -> "unauthorized";
                case 403 -> "forbidden";
                case 404 -> "not_found";
                case 422 -> "unprocessable_entity";
                case 429 -> "too_many_requests";
                default -> status >= 500 ? "server_error" : "bad_request";
            };
        }
    }

    private static final class Action {
        final long id;
        final String ip;
        final String type;
        final Long droplet;
        String status = "in-progress";
        int pollsLeft;
        final boolean errors;

        Action(long id, String ip, String type, Long droplet, int polls, boolean errors) {
            this.id = id;
            this.ip = ip;
            this.type = type;
            this.droplet = droplet;
            this.pollsLeft = polls;
            this.errors = errors;
        }
    }

    private static final class ReservedIp {
        Long droplet;

        ReservedIp(Long droplet) {
            this.droplet = droplet;
        }
    }

    static {
        // Without it the JDK server's keep-alive answers wait out the 40 ms Nagle/delayed-ACK stall; read once,
        // when the server classes load, so it only helps if nothing in this JVM started an HttpServer before.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final String token;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI url;
    private final Map<String, List<Rec>> domains = new TreeMap<>();
    private final Map<String, ReservedIp> reservedIps = new TreeMap<>();
    private final Map<Long, Action> actions = new TreeMap<>();
    private final List<Fault> faults = new ArrayList<>();
    private final List<Hook> hooks = new ArrayList<>();
    private final List<Recorded> requests = new ArrayList<>();
    private long nextId = 1000;
    private int pageSize = 2;
    private int actionPolls = 2;
    private boolean nextActionErrors;
    private boolean assignmentsTakeEffect = true;
    private boolean filtersIgnored;
    private URI linkBase;
    private int rateLimitRemaining = 5000;

    private FakeDigitalOcean(String token, int port) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-digitalocean");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Starts on 127.0.0.1, an ephemeral port, accepting {@code Authorization: Bearer <token>} only. */
    public static FakeDigitalOcean start(String token) throws IOException {
        return new FakeDigitalOcean(token, 0);
    }

    public static FakeDigitalOcean start(String token, int port) throws IOException {
        return new FakeDigitalOcean(token, port);
    }

    /** The base URL, {@code http://127.0.0.1:<port>}: a publisher's {@code api_url}. */
    public URI url() {
        return url;
    }

    // ---- set-up and inspection ----

    /** The most records one page holds, whatever {@code per_page} asks (the real API caps at 200). Default 2. */
    public synchronized FakeDigitalOcean pageSize(int n) {
        pageSize = n;
        return this;
    }

    /** Makes the record list ignore the {@code name} and {@code type} filters and page the whole domain. */
    public synchronized FakeDigitalOcean filtersIgnored(boolean ignored) {
        filtersIgnored = ignored;
        return this;
    }

    /**
     * The scheme and authority {@code links.pages} URLs name (default: this fake's own): the real API names
     * {@code https://api.digitalocean.com} even when reached through a proxy.
     */
    public synchronized FakeDigitalOcean linkBase(URI base) {
        linkBase = base;
        return this;
    }

    public synchronized FakeDigitalOcean addDomain(String domain) {
        domains.putIfAbsent(domain, new ArrayList<>());
        return this;
    }

    public synchronized long addRecord(String domain, String type, String name, String data, long ttl) {
        long id = nextId++;
        domains.computeIfAbsent(domain, d -> new ArrayList<>()).add(new Rec(id, type, name, data, ttl));
        return id;
    }

    /** Deletes a record, as someone editing the domain by hand would. */
    public synchronized void removeRecord(String domain, long id) {
        domains.getOrDefault(domain, new ArrayList<>()).removeIf(r -> r.id() == id);
    }

    /** The domain's records, in id order. */
    public synchronized List<Rec> records(String domain) {
        return List.copyOf(domains.getOrDefault(domain, List.of()));
    }

    /** The records of {@code name} (relative) and {@code type}. */
    public synchronized List<Rec> records(String domain, String name, String type) {
        return records(domain).stream().filter(r -> r.name().equals(name) && r.type().equals(type)).toList();
    }

    public synchronized FakeDigitalOcean addReservedIp(String ip, Long dropletOrNull) {
        reservedIps.put(ip, new ReservedIp(dropletOrNull));
        return this;
    }

    public synchronized Optional<Long> dropletOf(String ip) {
        return Optional.ofNullable(reservedIps.get(ip).droplet);
    }

    /** On which poll a new action completes (1: the first poll sees it completed). Default 2. */
    public synchronized FakeDigitalOcean actionPolls(int n) {
        actionPolls = n;
        return this;
    }

    /** The next action created ends {@code errored} and changes nothing. */
    public synchronized FakeDigitalOcean nextActionErrors() {
        nextActionErrors = true;
        return this;
    }

    /** When false, actions complete but the assignment does not change (a read-back mismatch). */
    public synchronized FakeDigitalOcean assignmentsTakeEffect(boolean take) {
        assignmentsTakeEffect = take;
        return this;
    }

    /** Starts an assign action by someone else: the IP is locked until the action is polled to its end. */
    public synchronized long startAction(String ip, long droplet) {
        Action a = new Action(nextId++, ip, "assign_ip", droplet, actionPolls, false);
        actions.put(a.id, a);
        return a.id;
    }

    public synchronized void inject(Fault fault) {
        faults.add(fault);
    }

    private record Hook(String method, String pathRegex, java.util.function.Consumer<FakeDigitalOcean> action) {
    }

    /**
     * Runs {@code action} (under the fake's lock, so it may call any set-up method) just before the next request
     * of {@code method} to a path matching {@code pathRegex} is served: another client acting in between a
     * publisher's read and its write.
     */
    public synchronized void beforeNext(String method, String pathRegex, java.util.function.Consumer<FakeDigitalOcean> action) {
        hooks.add(new Hook(method, pathRegex, action));
    }

    public synchronized List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public synchronized List<Recorded> writes() {
        return requests.stream().filter(Recorded::isWrite).toList();
    }

    public synchronized void clearRequests() {
        requests.clear();
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            URI uri = exchange.getRequestURI();
            Recorded r = new Recorded(exchange.getRequestMethod(), uri.getRawPath(),
                    uri.getRawQuery() == null ? "" : uri.getRawQuery(), Collections.unmodifiableMap(headers), body);
            Answer answer;
            Map<String, String> extraHeaders = Map.of();
            synchronized (this) {
                requests.add(r);
                rateLimitRemaining = Math.max(0, rateLimitRemaining - 1);
                for (Iterator<Hook> it = hooks.iterator(); it.hasNext(); ) {
                    Hook hook = it.next();
                    if (hook.method().equals(r.method()) && r.path().matches(hook.pathRegex())) {
                        it.remove();
                        hook.action().accept(this);
                        break;
                    }
                }
                Fault fault = takeFault(r);
                if (!("Bearer " + token).equals(r.header("authorization"))) {
                    answer = error(401, "unauthorized", "Unable to authenticate you");
                } else if (fault != null && !fault.applyFirst()) {
                    answer = error(fault.status(), fault.id(), fault.message());
                    extraHeaders = fault.headers();
                } else {
                    answer = route(r);
                    if (fault != null) {
                        answer = error(fault.status(), fault.id(), fault.message());
                        extraHeaders = fault.headers();
                    }
                }
            }
            send(exchange, answer, extraHeaders);
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private Fault takeFault(Recorded r) {
        for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
            Fault f = it.next();
            if (!f.matches(r)) continue;
            it.remove();
            if (f.times() > 1) faults.add(0, f.times(f.times() - 1));
            return f;
        }
        return null;
    }

    private record Answer(int status, JsonNode body) {
    }

    private void send(HttpExchange exchange, Answer answer, Map<String, String> extraHeaders) throws IOException {
        var h = exchange.getResponseHeaders();
        h.set("content-type", "application/json; charset=utf-8");
        h.set("ratelimit-limit", "5000");
        h.set("ratelimit-remaining", String.valueOf(rateLimitRemaining));
        h.set("ratelimit-reset", String.valueOf(System.currentTimeMillis() / 1000 + 60));
        extraHeaders.forEach(h::set);
        byte[] bytes = answer.body() == null ? new byte[0] : JSON.writeValueAsBytes(answer.body());
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private Answer route(Recorded r) {
        Matcher m;
        String p = r.path();
        if ((m = RECORDS.matcher(p)).matches()) {
            if (r.method().equals("GET")) return listRecords(m.group(1), r);
            if (r.method().equals("POST")) return createRecord(m.group(1), r);
        } else if ((m = RECORD.matcher(p)).matches()) {
            return oneRecord(m.group(1), Long.parseLong(m.group(2)), r);
        } else if ((m = IP_ACTION.matcher(p)).matches() && r.method().equals("GET")) {
            return pollAction(Long.parseLong(m.group(2)), m.group(1));
        } else if ((m = IP_ACTIONS.matcher(p)).matches()) {
            if (r.method().equals("GET")) return listActions(m.group(1), r);
            if (r.method().equals("POST")) return postAction(m.group(1), r);
        } else if ((m = IP.matcher(p)).matches() && r.method().equals("GET")) {
            ReservedIp ip = reservedIps.get(m.group(1));
            if (ip == null) return notFound();
            ObjectNode out = JSON.createObjectNode();
            out.set("reserved_ip", ipJson(m.group(1), ip));
            return new Answer(200, out);
        } else if ((m = ACTION.matcher(p)).matches() && r.method().equals("GET")) {
            return pollAction(Long.parseLong(m.group(1)), null);
        }
        return notFound();
    }

    // ---- domain records (resources/domains) ----

    private Answer listRecords(String domain, Recorded r) {
        List<Rec> all = domains.get(domain);
        if (all == null) return notFound();
        Map<String, String> q = parseQuery(r.query());
        List<Rec> matching = new ArrayList<>();
        for (Rec rec : all) {
            // The name filter is a fully qualified name (domains_list_records.yml); records come back relative.
            boolean nameOk = filtersIgnored || !q.containsKey("name") || fqdn(rec.name(), domain).equals(q.get("name"));
            boolean typeOk = filtersIgnored || !q.containsKey("type") || rec.type().equals(q.get("type"));
            if (nameOk && typeOk) matching.add(rec);
        }
        ArrayNode items = JSON.createArrayNode();
        ObjectNode out = JSON.createObjectNode();
        for (Rec rec : page(matching, q, r.path(), out)) items.add(recordJson(rec));
        out.set("domain_records", items);
        out.set("meta", JSON.createObjectNode().put("total", matching.size()));
        return new Answer(200, out);
    }

    /** Cuts one page out of {@code all} and writes {@code links.pages} (shared/pages.yml) with absolute URLs. */
    private <T> List<T> page(List<T> all, Map<String, String> q, String path, ObjectNode out) {
        int perPage = Math.min(pageSize, Math.max(1, intParam(q, "per_page", 20)));
        int pages = Math.max(1, (all.size() + perPage - 1) / perPage);
        int page = Math.max(1, intParam(q, "page", 1));
        int from = Math.min(all.size(), (page - 1) * perPage);
        List<T> items = List.copyOf(all.subList(from, Math.min(all.size(), from + perPage)));
        ObjectNode links = JSON.createObjectNode();
        ObjectNode pagesNode = JSON.createObjectNode();
        if (page > 1) {
            pagesNode.put("first", pageUrl(path, q, 1));
            pagesNode.put("prev", pageUrl(path, q, page - 1));
        }
        if (page < pages) {
            pagesNode.put("last", pageUrl(path, q, pages));
            pagesNode.put("next", pageUrl(path, q, page + 1));
        }
        if (!pagesNode.isEmpty()) links.set("pages", pagesNode);
        out.set("links", links);
        return items;
    }

    private String pageUrl(String path, Map<String, String> q, int page) {
        Map<String, String> params = new LinkedHashMap<>(q);
        params.put("page", String.valueOf(page));
        StringBuilder s = new StringBuilder((linkBase == null ? url : linkBase) + path + "?");
        params.forEach((k, v) -> s.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        return s.substring(0, s.length() - 1);
    }

    private Answer createRecord(String domain, Recorded r) {
        List<Rec> all = domains.get(domain);
        if (all == null) return notFound();
        JsonNode b = parse(r.body());
        if (b == null) return error(400, "bad_request", "invalid JSON");
        String type = b.path("type").asText("");
        String name = b.path("name").asText("");
        String data = b.path("data").asText("");
        long ttl = b.path("ttl").asLong(1800);
        Answer invalid = validate(type, name, data, ttl);
        if (invalid != null) return invalid;
        Rec rec = new Rec(nextId++, type, name.toLowerCase(Locale.ROOT), data, ttl);
        all.add(rec);
        ObjectNode out = JSON.createObjectNode();
        out.set("domain_record", recordJson(rec));
        return new Answer(201, out);
    }

    private Answer oneRecord(String domain, long id, Recorded r) {
        List<Rec> all = domains.get(domain);
        if (all == null) return notFound();
        int index = -1;
        for (int i = 0; i < all.size(); i++) if (all.get(i).id() == id) index = i;
        if (index < 0) return notFound();
        Rec rec = all.get(index);
        switch (r.method()) {
            case "GET" -> {
                return new Answer(200, JSON.createObjectNode().set("domain_record", recordJson(rec)));
            }
            case "DELETE" -> {
                all.remove(index);
                return new Answer(204, null);
            }
            case "PUT", "PATCH" -> {
                JsonNode b = parse(r.body());
                if (b == null) return error(400, "bad_request", "invalid JSON");
                // The description requires type in both (domain_record.yml); any other attribute may change.
                if (!b.hasNonNull("type")) return error(422, "unprocessable_entity", "type is required");
                Rec updated = new Rec(id, b.path("type").asText(rec.type()),
                        b.path("name").asText(rec.name()).toLowerCase(Locale.ROOT), b.path("data").asText(rec.data()),
                        b.path("ttl").asLong(rec.ttl()));
                Answer invalid = validate(updated.type(), updated.name(), updated.data(), updated.ttl());
                if (invalid != null) return invalid;
                all.set(index, updated);
                return new Answer(200, JSON.createObjectNode().set("domain_record", recordJson(updated)));
            }
            default -> {
                return error(405, "method_not_allowed", "method not allowed");
            }
        }
    }

    private static Answer validate(String type, String name, String data, long ttl) {
        if (type.isEmpty() || name.isEmpty() || data.isEmpty()) {
            return error(422, "unprocessable_entity", "type, name and data are required");
        }
        if (ttl < 30) return error(422, "unprocessable_entity", "TTL must be at least 30 seconds.");
        if (type.equals("A") && Address.toByteArray(data, Address.IPv4) == null) {
            return error(422, "unprocessable_entity", "Data must be a valid IPv4 address.");
        }
        if (type.equals("AAAA") && Address.toByteArray(data, Address.IPv6) == null) {
            return error(422, "unprocessable_entity", "Data must be a valid IPv6 address.");
        }
        if (type.equals("CNAME") && !data.equals("@") && !data.endsWith(".")) {
            return error(422, "unprocessable_entity", "Data needs to end with a dot (.)");
        }
        return null;
    }

    private static ObjectNode recordJson(Rec rec) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", rec.id()).put("type", rec.type()).put("name", rec.name()).put("data", rec.data());
        o.putNull("priority").putNull("port").put("ttl", rec.ttl()).putNull("weight").putNull("flags").putNull("tag");
        return o;
    }

    private static String fqdn(String name, String domain) {
        return name.equals("@") ? domain : name + "." + domain;
    }

    // ---- reserved IPs and actions (resources/reserved_ips, resources/actions) ----

    private Answer postAction(String ipText, Recorded r) {
        ReservedIp ip = reservedIps.get(ipText);
        if (ip == null) return notFound();
        JsonNode b = parse(r.body());
        if (b == null) return error(400, "bad_request", "invalid JSON");
        String type = b.path("type").asText("");
        if (inFlight(ipText).isPresent()) return error(422, "unprocessable_entity", PENDING_EVENT);
        Long droplet;
        if (type.equals("assign")) {
            if (!b.path("droplet_id").canConvertToLong()) return error(422, "unprocessable_entity", "droplet_id is required");
            droplet = b.path("droplet_id").asLong();
            if (droplet.equals(ip.droplet)) return error(422, "unprocessable_entity", ALREADY_ASSIGNED);
        } else if (type.equals("unassign")) {
            droplet = null;
        } else {
            return error(422, "unprocessable_entity", "type must be assign or unassign");
        }
        Action a = new Action(nextId++, ipText, type + "_ip", droplet, actionPolls, nextActionErrors);
        nextActionErrors = false;
        actions.put(a.id, a);
        if (a.pollsLeft <= 0) finish(a);
        return new Answer(201, JSON.createObjectNode().set("action", actionJson(a)));
    }

    /** One poll: the action advances towards its end ({@link #actionPolls}) and shows its status. */
    private Answer pollAction(long id, String ip) {
        Action a = actions.get(id);
        if (a == null || (ip != null && !a.ip.equals(ip))) return notFound();
        if (a.status.equals("in-progress") && --a.pollsLeft <= 0) finish(a);
        return new Answer(200, JSON.createObjectNode().set("action", actionJson(a)));
    }

    private void finish(Action a) {
        a.status = a.errors ? "errored" : "completed";
        if (!a.errors && assignmentsTakeEffect) reservedIps.get(a.ip).droplet = a.droplet;
    }

    private Answer listActions(String ipText, Recorded r) {
        if (!reservedIps.containsKey(ipText)) return notFound();
        List<Action> mine = actions.values().stream().filter(a -> a.ip.equals(ipText)).toList();
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = JSON.createArrayNode();
        for (Action a : page(mine, parseQuery(r.query()), r.path(), out)) items.add(actionJson(a));
        out.set("actions", items);
        out.set("meta", JSON.createObjectNode().put("total", mine.size()));
        return new Answer(200, out);
    }

    private Optional<Action> inFlight(String ip) {
        return actions.values().stream().filter(a -> a.ip.equals(ip) && a.status.equals("in-progress")).findFirst();
    }

    private ObjectNode ipJson(String ipText, ReservedIp ip) {
        ObjectNode o = JSON.createObjectNode().put("ip", ipText);
        if (ip.droplet == null) {
            o.putNull("droplet");
        } else {
            o.set("droplet", JSON.createObjectNode().put("id", ip.droplet).put("name", "droplet-" + ip.droplet)
                    .put("status", "active"));
        }
        o.set("region", JSON.createObjectNode().put("name", "New York 3").put("slug", "nyc3"));
        o.put("locked", inFlight(ipText).isPresent());
        o.put("project_id", "746c6152-2fa2-11ed-92d3-27aaa54e4988");
        return o;
    }

    private static ObjectNode actionJson(Action a) {
        ObjectNode o = JSON.createObjectNode().put("id", a.id).put("status", a.status).put("type", a.type)
                .put("started_at", "2026-01-01T00:00:00Z");
        if (a.status.equals("in-progress")) o.putNull("completed_at");
        else o.put("completed_at", "2026-01-01T00:00:05Z");
        o.put("resource_id", 758604968L).put("resource_type", "reserved_ip").put("region_slug", "nyc3");
        return o;
    }

    // ---- helpers ----

    private static Answer notFound() {
        return error(404, "not_found", "The resource you were accessing could not be found.");
    }

    private static Answer error(int status, String id, String message) {
        ObjectNode o = JSON.createObjectNode().put("id", id).put("message", message);
        o.put("request_id", "4d9d8375-3c56-4925-a3e7-eb137fed17e9");
        return new Answer(status, o);
    }

    private static JsonNode parse(String body) {
        try {
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static Map<String, String> parseQuery(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) return out;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static int intParam(Map<String, String> q, String name, int otherwise) {
        try {
            return q.containsKey(name) ? Integer.parseInt(q.get(name)) : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Runs the fake alone until killed: {@code --port N} (default 0: ephemeral), {@code --token-file F} (else the
     * environment variable {@code DIGITALOCEAN_TOKEN}), {@code --domain D}, {@code --record D,TYPE,NAME,DATA},
     * {@code --reserved-ip IP[=DROPLET]}, {@code --page-size N}, {@code --action-polls N} (repeatable where it makes
     * sense). Prints {@code listening on http://127.0.0.1:<port>} on one line once ready.
     */
    public static void main(String[] args) throws Exception {
        Map<String, List<String>> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[i + 1]);
        }
        String token = opts.containsKey("--token-file")
                ? Files.readString(Path.of(opts.get("--token-file").get(0))).strip()
                : Optional.ofNullable(System.getenv("DIGITALOCEAN_TOKEN")).orElseThrow(
                        () -> new IllegalArgumentException("give --token-file or DIGITALOCEAN_TOKEN"));
        int port = Integer.parseInt(opts.getOrDefault("--port", List.of("0")).get(0));
        FakeDigitalOcean fake = start(token, port);
        opts.getOrDefault("--domain", List.of()).forEach(fake::addDomain);
        for (String rec : opts.getOrDefault("--record", List.of())) {
            String[] f = rec.split(",", 4);
            fake.addRecord(f[0], f[1], f[2], f[3], 1800);
        }
        for (String ip : opts.getOrDefault("--reserved-ip", List.of())) {
            String[] f = ip.split("=", 2);
            fake.addReservedIp(f[0], f.length > 1 ? Long.valueOf(f[1]) : null);
        }
        opts.getOrDefault("--page-size", List.of()).forEach(n -> fake.pageSize(Integer.parseInt(n)));
        opts.getOrDefault("--action-polls", List.of()).forEach(n -> fake.actionPolls(Integer.parseInt(n)));
        System.out.println("listening on " + fake.url());
        System.out.flush();
        Thread.currentThread().join();
    }
}
