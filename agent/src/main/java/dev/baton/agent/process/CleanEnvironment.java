package dev.baton.agent.process;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of every process Baton starts (exec checks, exec hooks): nothing inherited but a few harmless
 * variables, plus what the caller adds (a hook's {@code BATON_*} values). The agent's own environment may hold
 * {@code DIGITALOCEAN_TOKEN}, {@code BATON_CLUSTER_KEY} or other secrets; a script (often written quickly, often
 * logging {@code env}) must never see them.
 */
public final class CleanEnvironment {
    /** Passed through from the agent when set there: the command search path, the locale, home, time zone. */
    public static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ");
    /** PATH when the agent has none (systemd always sets one). */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private CleanEnvironment() {
    }

    /**
     * The environment for a child: {@link #INHERITED} from {@code agentEnvironment} (PATH defaulted), then
     * {@code added}. Never fails; the result is a fresh mutable map.
     */
    public static Map<String, String> of(Map<String, String> agentEnvironment, Map<String, String> added) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : INHERITED) {
            String value = agentEnvironment.get(name);
            if (value != null) env.put(name, value);
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.putAll(added);
        return env;
    }
}
