package dev.baton.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.agent.config.publish.PublisherConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Loads one node's YAML config file into a validated {@link BatonConfig}. Every problem is collected and
 * reported together; see docs/CONFIGURATION.md for each key. Relative paths in the file ({@code key_file},
 * {@code data_dir}) resolve against the file's directory, not the working directory.
 *
 * <p>Thread-safe; {@link #load} blocks on file I/O and never resolves host names.
 */
public final class ConfigLoader {
    /** Environment variable holding the cluster key (hex or base64); when set it overrides {@code key_file}. */
    public static final String KEY_ENV = "BATON_CLUSTER_KEY";

    private final Function<String, String> env;
    private final ObjectMapper yaml;

    /** Reads {@link #KEY_ENV} from the process environment. */
    public ConfigLoader() {
        this(System::getenv);
    }

    /** {@code env} looks up environment variables (null when unset); tests pass a map's {@code get}. */
    public ConfigLoader(Function<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
        this.yaml = new ObjectMapper(new YAMLFactory());
        // A key written twice is almost always a merge mistake; YAML 1.2 forbids it (section 3.2.1.1).
        this.yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** Reads and validates {@code file}; throws with every problem found. */
    public BatonConfig load(Path file) throws ConfigException {
        ConfigErrors errors = new ConfigErrors();
        JsonNode tree = parse(file, errors);
        errors.throwIfAny();
        ConfigNode root = new ConfigNode(tree, "", errors);
        if (root.asMap().isEmpty()) {
            errors.throwIfAny();
            throw new ConfigException(List.of(new ConfigError("", file + " is empty")));
        }
        root.allowOnly("cluster", "api", "dns", "services", "leader", "logging", "history");
        Path configDir = file.toAbsolutePath().normalize().getParent();

        Optional<ClusterConfig> cluster = ClusterReader.read(root.get("cluster"), configDir, env);
        Optional<ApiConfig> api = ApiReader.read(root.get("api"), configDir);
        Optional<HistoryConfig> history = ApiReader.readHistory(root.get("history"));
        Optional<DnsConfig> dns = DnsReader.read(root.get("dns"), cluster.map(ClusterConfig::members));
        Optional<List<MemberConfig>> members = cluster.map(ClusterConfig::members);
        PublishReader publishReader = new PublishReader(configDir, env);
        Optional<List<ServiceConfig>> services = ServiceReader.read(root.get("services"), publishReader, members);
        Optional<List<PublisherConfig>> leaderPublish = readLeader(root.get("leader"), publishReader, members);
        Optional<LogFormat> logFormat = readLogging(root.get("logging"));
        services.ifPresent(s -> PublishTargets.checkDistinct(s, leaderPublish.orElse(List.of()), root));
        if (services.isPresent() && dns.isPresent()) checkServiceNamesFreeOfNameServers(services.get(), dns.get(), root);

        errors.throwIfAny();
        if (cluster.isEmpty() || api.isEmpty() || dns.isEmpty() || services.isEmpty() || leaderPublish.isEmpty()
                || logFormat.isEmpty() || history.isEmpty()) {
            // Every reader reports before it returns empty; reaching this is a bug in a reader.
            throw new IllegalStateException("config section rejected without an error");
        }
        return new BatonConfig(cluster.get(), api.get(), dns.get(), services.get(), leaderPublish.get(),
                errors.warnings(), logFormat.get(), history.get());
    }

    /** A name inside the zone holds either a name server's address or a service's answer, not both. */
    private static void checkServiceNamesFreeOfNameServers(List<ServiceConfig> services, DnsConfig dns, ConfigNode root) {
        List<ConfigNode> nodes = root.get("services").asList().orElse(List.of());
        for (int i = 0; i < services.size() && i < nodes.size(); i++) {
            String fqdn = (services.get(i).name() + "." + dns.zone()).toLowerCase(java.util.Locale.ROOT);
            if (dns.nameservers().stream().anyMatch(ns -> ns.name().equals(fqdn))) {
                nodes.get(i).get("name").error(fqdn + " is one of the zone's name servers (dns.nameservers);"
                        + " give the service another name");
            }
        }
    }

    private JsonNode parse(Path file, ConfigErrors errors) {
        try {
            return yaml.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            errors.add("", file + " does not exist");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " line " + at.getLineNr() + ", column " + at.getColumnNr();
            errors.add("", file + where + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException | SecurityException e) {
            errors.add("", file + " cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        return null;
    }

    /** {@code leader: {publish: [...]}}: publish the leader node itself (the original floating-IP mode). */
    private static Optional<List<PublisherConfig>> readLeader(ConfigNode leader, PublishReader reader,
                                                              Optional<List<MemberConfig>> members) {
        if (!leader.isPresent()) return Optional.of(List.of());
        if (leader.asMap().isEmpty()) return Optional.empty();
        leader.allowOnly("publish");
        return reader.read(leader.get("publish"), PublishReader.Scope.LEADER, Optional.empty(), members);
    }

    /** {@code logging: {format: text | json}}. */
    private static Optional<LogFormat> readLogging(ConfigNode logging) {
        if (!logging.isPresent()) return Optional.of(LogFormat.DEFAULT);
        if (logging.asMap().isEmpty()) return Optional.empty();
        logging.allowOnly("format");
        ConfigNode format = logging.get("format");
        return format.isPresent() ? format.asEnum(LogFormat.class) : Optional.of(LogFormat.DEFAULT);
    }
}
