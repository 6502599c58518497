package dev.baton.agent.publish.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.agent.config.publish.DigitalOceanFloatingIpConfig;
import dev.baton.agent.publish.Intent;
import dev.baton.agent.publish.Outcome;
import dev.baton.agent.publish.Placement;
import dev.baton.agent.publish.PublishException;
import dev.baton.agent.publish.PublishException.Kind;
import dev.baton.agent.publish.Publisher;
import dev.baton.agent.publish.WriteGate;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code digitalocean_floating_ip}: keeps a reserved (formerly floating) IP assigned to the droplet of the scope's
 * placement ({@link Placement#dropletId()}: the active instance's droplet, or under {@code leader.publish} the
 * leader's), through the reserved IP actions API (resources/reserved_ips in DigitalOcean's OpenAPI description).
 *
 * <p>One reconcile: {@code GET /v2/reserved_ips/{ip}}; when it is elsewhere or unassigned, pass the write gate,
 * {@code POST /v2/reserved_ips/{ip}/actions {"type":"assign","droplet_id":N}}, poll that action until it is
 * {@code completed} or {@code errored} (bounded), then read the reserved IP back. A 422 "pending event" (another
 * action holds the IP) waits for the action in flight and re-reads; a 422 "already assigned" (an earlier attempt
 * of ours arrived after all) counts as done, for the read-back to confirm.
 *
 * <p>An empty placement leaves the IP where it is: traffic to a droplet with no healthy instance fails either way,
 * and not writing keeps the old leader's window for a late write empty. A reserved IP carries no fence (the API has
 * no field for one): the write gate alone keeps a deposed leader from assigning it.
 *
 * <p>Threads: one reconcile at a time (the engine's promise); blocks up to {@code maxPolls} action polls of
 * {@code pollInterval} plus one request timeout each; responds to interruption.
 */
public final class DigitalOceanFloatingIpPublisher implements Publisher {
    private static final Logger log = LoggerFactory.getLogger(DigitalOceanFloatingIpPublisher.class);
    /** DigitalOcean's reserved IP actions take a few seconds. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** With {@link #DEFAULT_POLL_INTERVAL}: about a minute for one action before this attempt gives up. */
    public static final int DEFAULT_MAX_POLLS = 60;
    private static final long FIRST_POLL_MILLIS = 100;
    /** POSTs per reconcile: the first, and one more after waiting out another action's "pending event". */
    static final int MAX_ASSIGN_ATTEMPTS = 2;
    static final String UNASSIGNED = "unassigned";

    private final DigitalOceanFloatingIpConfig config;
    private final DigitalOceanApi api;
    private final Duration pollInterval;
    private final int maxPolls;
    private final String ipPath;

    /** A publisher with its own API client, its writes bounded by {@code writeTimeout} (see the write gate). */
    public DigitalOceanFloatingIpPublisher(DigitalOceanFloatingIpConfig config, Duration writeTimeout) {
        this(config, new DigitalOceanApi(config.apiUrl(), config.token(), DigitalOceanApi.DEFAULT_REQUEST_TIMEOUT,
                writeTimeout, java.time.Clock.systemUTC()), DEFAULT_POLL_INTERVAL, DEFAULT_MAX_POLLS);
    }

    public DigitalOceanFloatingIpPublisher(DigitalOceanFloatingIpConfig config, DigitalOceanApi api,
                                           Duration pollInterval, int maxPolls) {
        this.config = Objects.requireNonNull(config, "config");
        this.api = Objects.requireNonNull(api, "api");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        if (maxPolls < 1) throw new IllegalArgumentException("maxPolls must be at least 1: " + maxPolls);
        this.maxPolls = maxPolls;
        this.ipPath = "/v2/reserved_ips/" + config.ip();
    }

    @Override
    public String kind() {
        return config.kind();
    }

    @Override
    public String target() {
        return "reserved IP " + config.ip() + " (DigitalOcean)";
    }

    @Override
    public Authority authority() {
        return Authority.LEADER;
    }

    @Override
    public Outcome reconcile(Intent intent, WriteGate gate) throws PublishException, InterruptedException {
        if (intent.placement().isEmpty()) {
            Assignment now = read();
            return new Outcome(Outcome.Result.IN_SYNC, now.shown(), "no placement: the reserved IP stays where it is");
        }
        Placement placement = intent.placement().get();
        long droplet = placement.dropletId().orElseThrow(() -> new PublishException(Kind.CONFIGURATION,
                target() + ": " + placement.instance() + " has no droplet_id (set "
                        + (intent.isLeaderScope() ? "members[].droplet_id" : "instances[].droplet_id")
                        + " to use digitalocean_floating_ip)"));
        Assignment now = read();
        if (now.isOn(droplet)) return Outcome.inSync(now.shown());

        boolean sent = false;
        for (int attempt = 1; ; attempt++) {
            if (now.locked()) {
                waitForActionInFlight();
                now = read();
                if (now.isOn(droplet)) break;
            }
            if (attempt > MAX_ASSIGN_ATTEMPTS) {
                throw new PublishException(Kind.TRANSIENT, target() + ": another action kept it busy through "
                        + MAX_ASSIGN_ATTEMPTS + " attempts; it is on " + now.shown());
            }
            gate.beforeWrite(api.writeTimeout());
            var body = DigitalOceanApi.object().put("type", "assign").put("droplet_id", droplet);
            DigitalOceanApi.Response answer = api.send("POST", ipPath + "/actions", body);
            if (answer.ok()) {
                sent = true;
                long action = answer.body().path("action").path("id").asLong();
                log.info("{}: assigning to droplet {} (was {}), action {}", target(), droplet, now.shown(), action);
                String status = poll(action);
                if (status.equals("errored")) {
                    throw new PublishException(Kind.TRANSIENT, target() + ": assign action " + action
                            + " to droplet " + droplet + " errored");
                }
                break;
            }
            String message = answer.message().toLowerCase(Locale.ROOT);
            if (answer.status() == 422 && message.contains("already assigned")) {
                sent = true; // our own earlier request, answered too late, got there first
                break;
            }
            if (answer.status() == 422 && message.contains("pending event")) {
                log.info("{}: busy with another action ({}); waiting for it", target(), answer.message());
                now = new Assignment(now.droplet(), true);
                continue;
            }
            throw api.failure(answer);
        }

        Assignment back = read();
        if (!back.isOn(droplet)) {
            throw new PublishException(Kind.TRANSIENT, target() + ": read back " + back.shown()
                    + ", expected droplet " + droplet);
        }
        return sent ? Outcome.written(back.shown()) : Outcome.inSync(back.shown());
    }

    /**
     * Polls {@code GET /v2/reserved_ips/{ip}/actions/{id}} until the action is {@code completed} or {@code errored}
     * (actions/models/action.yml), at most {@link #maxPolls} times; returns that status.
     */
    private String poll(long action) throws PublishException, InterruptedException {
        for (int i = 0; i < maxPolls; i++) {
            String status = api.get(ipPath + "/actions/" + action).path("action").path("status").asText("");
            if (status.equals("completed") || status.equals("errored")) return status;
            pause(i);
        }
        throw new PublishException(Kind.TRANSIENT, target() + ": action " + action + " still in progress after "
                + maxPolls + " polls " + pollInterval.toMillis() + " ms apart");
    }

    /** Finds the action holding the IP ({@code GET /v2/reserved_ips/{ip}/actions}) and polls it to its end. */
    private void waitForActionInFlight() throws PublishException, InterruptedException {
        long newest = -1;
        for (JsonNode a : api.getAllPages(ipPath + "/actions", "actions", notFound())) {
            if (a.path("status").asText("").equals("in-progress")) newest = Math.max(newest, a.path("id").asLong());
        }
        // None in progress: it ended between the 422 and this listing, or it is the droplet's own action.
        if (newest < 0) return;
        String status = poll(newest);
        log.info("{}: action {} in flight ended {}", target(), newest, status);
    }

    private Assignment read() throws PublishException, InterruptedException {
        DigitalOceanApi.Response answer = api.send("GET", ipPath, null);
        if (answer.status() == 404) {
            throw new PublishException(Kind.CONFIGURATION, notFound() + ": " + api.failure(answer).getMessage());
        }
        JsonNode ip = api.orThrow(answer).path("reserved_ip");
        JsonNode droplet = ip.path("droplet");
        OptionalLong id = droplet.isObject() && droplet.has("id") ? OptionalLong.of(droplet.path("id").asLong())
                : OptionalLong.empty();
        return new Assignment(id, ip.path("locked").asBoolean(false));
    }

    private String notFound() {
        return "reserved IP " + config.ip() + " is not in the DigitalOcean account";
    }

    /**
     * The wait before poll {@code i + 1}: 100 ms doubling up to {@link #pollInterval}, so an assignment that
     * completes quickly is confirmed quickly and a slow one costs few requests.
     */
    private void pause(int i) throws InterruptedException {
        long millis = Math.min(pollInterval.toMillis(), FIRST_POLL_MILLIS << Math.min(i, 10));
        if (millis > 0) Thread.sleep(millis);
        else if (Thread.interrupted()) throw new InterruptedException();
    }

    /** Where the reserved IP points, and whether an action holds it ({@code locked}, reserved_ip.yml). */
    private record Assignment(OptionalLong droplet, boolean locked) {
        boolean isOn(long id) {
            return droplet.isPresent() && droplet.getAsLong() == id;
        }

        String shown() {
            return droplet.isPresent() ? "droplet " + droplet.getAsLong() : UNASSIGNED;
        }
    }

    @Override
    public void close() {
        api.close();
    }

    @Override
    public String toString() {
        return "DigitalOceanFloatingIpPublisher[" + target() + "]";
    }
}
