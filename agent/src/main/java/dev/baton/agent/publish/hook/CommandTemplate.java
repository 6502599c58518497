package dev.baton.agent.publish.hook;

import dev.baton.agent.config.publish.ExecHookConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exec hook's command with {@code {name}} placeholders. A placeholder is a brace-enclosed lower-case name
 * ({@code [a-z][a-z0-9_]*}); any other brace text (a JSON argument such as {@code {"a":1}}) is literal. Values
 * are substituted in one pass, so a value that itself contains {@code {service}} is never expanded again.
 */
final class CommandTemplate {
    static final Pattern PLACEHOLDER = ExecHookConfig.PLACEHOLDER;

    /** The names a command may use; {@link HookValues} provides each ({@code decided_at} is environment-only). */
    static final Set<String> NAMES = ExecHookConfig.PLACEHOLDERS;

    private CommandTemplate() {
    }

    /**
     * Throws {@link IllegalArgumentException} naming the first unknown placeholder and the argument it is in
     * (0-based, as in the config list); returns normally when every placeholder is known.
     */
    static void validate(List<String> command) {
        for (int i = 0; i < command.size(); i++) {
            Matcher m = PLACEHOLDER.matcher(command.get(i));
            while (m.find()) {
                if (!NAMES.contains(m.group(1))) {
                    throw new IllegalArgumentException("unknown placeholder " + m.group() + " in command["
                            + i + "]; known: " + known());
                }
            }
        }
    }

    /** The command with every placeholder replaced by its value; validate first. */
    static List<String> substitute(List<String> command, HookValues values) {
        List<String> argv = new ArrayList<>(command.size());
        for (String argument : command) {
            Matcher m = PLACEHOLDER.matcher(argument);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = NAMES.contains(m.group(1)) ? values.get(m.group(1)) : null;
                if (value == null) throw new IllegalArgumentException("unknown placeholder " + m.group());
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            argv.add(out.toString());
        }
        return argv;
    }

    static String known() {
        return NAMES.stream().sorted().map(n -> "{" + n + "}").reduce((a, b) -> a + ", " + b).orElse("");
    }
}
