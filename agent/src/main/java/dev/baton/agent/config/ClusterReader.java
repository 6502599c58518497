package dev.baton.agent.config;

import dev.baton.election.Timings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Reads the {@code cluster} section. */
final class ClusterReader {
    private static final Pattern CLUSTER_NAME = Pattern.compile("[a-z0-9-]{1,63}");

    private ClusterReader() {
    }

    static Optional<ClusterConfig> read(ConfigNode cluster, Path configDir, Function<String, String> env) {
        if (cluster.requireMap().isEmpty()) return Optional.empty();
        cluster.allowOnly("name", "node", "members", "key_file", "data_dir", "timings");

        ConfigNode nameNode = cluster.get("name");
        Optional<String> name = nameNode.requireText().filter(n -> {
            if (CLUSTER_NAME.matcher(n).matches()) return true;
            nameNode.error(nameNode.describe() + " must be 1 to 63 lower-case letters, digits or hyphens");
            return false;
        });

        Optional<List<MemberConfig>> members = readMembers(cluster.get("members"));
        Optional<Integer> node = readNode(cluster.get("node"), members);
        Optional<ClusterKey> key = ClusterKeyReader.read(cluster.get("key_file"), configDir, env);
        Optional<Path> dataDir = readDataDir(cluster.get("data_dir"), configDir);
        Optional<Timings> timings = TimingsReader.read(cluster.get("timings"));

        if (name.isEmpty() || members.isEmpty() || node.isEmpty() || key.isEmpty() || dataDir.isEmpty()
                || timings.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ClusterConfig(name.get(), node.get(), members.get(), key.get(), dataDir.get(),
                timings.get()));
    }

    private static Optional<List<MemberConfig>> readMembers(ConfigNode membersNode) {
        Optional<List<ConfigNode>> items = membersNode.requireNonEmptyList(true);
        if (items.isEmpty()) return Optional.empty();
        List<MemberConfig> members = new ArrayList<>();
        Map<Integer, String> pathById = new HashMap<>();
        Map<String, String> pathByAddress = new HashMap<>();
        boolean ok = true;
        for (ConfigNode item : items.get()) {
            if (item.requireMap().isEmpty()) {
                ok = false;
                continue;
            }
            item.allowOnly("id", "address", "witness", "droplet_id");
            ConfigNode idNode = item.get("id");
            Optional<Integer> id = idNode.requireInt().filter(i -> {
                if (i < 1) idNode.error("must be a positive whole number, got " + i);
                return i >= 1;
            });
            id.ifPresent(i -> {
                String previous = pathById.putIfAbsent(i, item.path());
                if (previous != null) idNode.error("duplicate member id " + i + " (also " + previous + ")");
            });
            ConfigNode addressNode = item.get("address");
            Optional<HostPort> address = addressNode.requireText().flatMap(t -> addressNode.parseText(HostPort::parse));
            address.ifPresent(a -> {
                String previous = pathByAddress.putIfAbsent(a.toString(), item.path());
                if (previous != null) addressNode.error("duplicate member address " + a + " (also " + previous + ")");
            });
            Optional<Boolean> witness = item.get("witness").isPresent() ? item.get("witness").asBoolean() : Optional.of(false);
            Optional<Optional<Long>> dropletId = ServiceReader.readDropletId(item.get("droplet_id"));
            if (id.isEmpty() || address.isEmpty() || witness.isEmpty() || dropletId.isEmpty()) {
                ok = false;
                continue;
            }
            members.add(new MemberConfig(id.get(), address.get(), witness.get(), dropletId.get()));
        }
        if (ok && members.stream().allMatch(MemberConfig::witness)) {
            membersNode.error("at least one member must not be a witness: witnesses never lead");
            ok = false;
        }
        if (pathById.size() < members.size() || pathByAddress.size() < members.size()) ok = false; // duplicates
        return ok ? Optional.of(members) : Optional.empty();
    }

    private static Optional<Integer> readNode(ConfigNode nodeNode, Optional<List<MemberConfig>> members) {
        Optional<Integer> node = nodeNode.requireInt();
        if (node.isEmpty() || members.isEmpty()) return node;
        List<Integer> ids = members.get().stream().map(MemberConfig::id).toList();
        if (!ids.contains(node.get())) {
            nodeNode.error(node.get() + " is not a member id; members are "
                    + String.join(", ", ids.stream().map(String::valueOf).toList()));
            return Optional.empty();
        }
        return node;
    }

    private static Optional<Path> readDataDir(ConfigNode dataDir, Path configDir) {
        return dataDir.requireText().flatMap(text -> {
            Path path = configDir.resolve(text).normalize();
            if (Files.exists(path) && !Files.isDirectory(path)) {
                dataDir.error(path + " exists and is not a directory");
                return Optional.empty();
            }
            return Optional.of(path);
        });
    }
}
