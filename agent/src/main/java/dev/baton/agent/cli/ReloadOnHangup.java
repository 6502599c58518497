package dev.baton.agent.cli;

import dev.baton.agent.config.BatonConfig;
import dev.baton.agent.config.ConfigException;
import dev.baton.agent.config.ConfigLoader;
import dev.baton.agent.runtime.AgentNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.nio.file.Path;

/**
 * SIGHUP re-reads the agent's config file and hands it to {@link AgentNode#reload} (what {@code baton reload}
 * and systemd's {@code ExecReload} send). An invalid file changes nothing and is logged with every error. Uses
 * {@code sun.misc.Signal} (module jdk.unsupported, in every JDK): the only way a JVM can take SIGHUP, whose
 * default would otherwise stop it. Reloads run one at a time, on the JVM's signal thread.
 */
final class ReloadOnHangup {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadOnHangup.class);

    private ReloadOnHangup() {
    }

    static void install(AgentNode agent, ConfigLoader loader, Path file) {
        Object oneAtATime = new Object();
        try {
            handle(agent, loader, file, oneAtATime);
        } catch (IllegalArgumentException e) {
            // The JVM reserves SIGHUP under -Xrs, or a host application took it: reload through a restart then.
            LOG.warn("SIGHUP cannot be handled here ({}); `baton reload` will not work, restart to apply a config",
                    e.getMessage());
        }
    }

    private static void handle(AgentNode agent, ConfigLoader loader, Path file, Object oneAtATime) {
        Signal.handle(new Signal("HUP"), signal -> {
            synchronized (oneAtATime) {
                BatonConfig reloaded;
                try {
                    reloaded = loader.load(file);
                } catch (ConfigException e) {
                    LOG.warn("config reload refused: {} is invalid, nothing applied: {}", file, e.getMessage());
                    return;
                } catch (RuntimeException e) {
                    LOG.error("config reload failed reading {}", file, e);
                    return;
                }
                reloaded.warnings().forEach(w -> LOG.warn("config warning: {}", w));
                agent.reload(reloaded);
            }
        });
    }
}
