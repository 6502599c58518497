package dev.baton.agent.publish.hook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment an exec hook gets: nothing inherited but a few harmless variables, plus the {@code BATON_*}
 * values. The agent's own environment may hold {@code DIGITALOCEAN_TOKEN}, {@code BATON_CLUSTER_KEY} or other
 * secrets; a hook script (often written quickly, often logging {@code env}) must never see them.
 */
final class CleanEnvironment {
    /** Passed through from the agent when set there: the command search path, the locale, home, time zone. */
    static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ");
    /** PATH when the agent has none (systemd always sets one). */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private CleanEnvironment() {
    }

    static Map<String, String> of(Map<String, String> agentEnvironment, HookValues values) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : INHERITED) {
            String value = agentEnvironment.get(name);
            if (value != null) env.put(name, value);
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.putAll(values.environment());
        return env;
    }
}
