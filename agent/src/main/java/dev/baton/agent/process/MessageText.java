package dev.baton.agent.process;

/**
 * Makes text from outside (a hook's output, a receiver's answer) safe for one status line: control characters
 * escaped ({@code \n}, {@code \t}, {@code \x1b}), so output cannot forge log lines or terminal sequences, and the
 * length bounded.
 */
public final class MessageText {
    public static final int MAX_CHARS = 200;

    private MessageText() {
    }

    public static String escapeAndBound(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_CHARS) {
                out.append('…');
                break;
            }
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out.append(String.format("\\x%02x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }
}
