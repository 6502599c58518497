package dev.baton.agent.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Syntax of DNS names as Baton accepts them: letters, digits and hyphens (RFC 1123 section 2.1 host names). */
public final class DnsNames {
    /** RFC 1035 section 2.3.4: labels of at most 63 octets. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    /** RFC 1035 section 2.3.4: a name is at most 255 octets on the wire, so 253 characters without the root dot. */
    private static final int MAX_NAME_CHARS = 253;

    private DnsNames() {
    }

    /** One label: 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen. */
    public static boolean isLabel(String s) {
        return LABEL.matcher(s).matches();
    }

    /** A host name of one or more labels, optionally ending with the root dot. */
    public static boolean isHostName(String s) {
        String relative = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        if (relative.isEmpty() || relative.length() > MAX_NAME_CHARS) return false;
        for (String label : relative.split("\\.", -1)) {
            if (!isLabel(label)) return false;
        }
        return true;
    }

    /** Lower-cased and absolute (trailing dot); the caller has checked {@link #isHostName}. */
    public static String toAbsolute(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }
}
