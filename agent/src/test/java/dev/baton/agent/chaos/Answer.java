package dev.baton.agent.chaos;

/**
 * One DNS answer the chaos client recorded: poll {@code round}, member {@code node}, when it was asked
 * (epoch milliseconds), and the answer ({@code 192.0.2.x}, {@code SERVFAIL}, {@code timeout}...).
 */
record Answer(long round, int node, long sentMillis, String answer) {
    static Answer parse(String line) {
        String[] w = line.trim().split(" ");
        return new Answer(Long.parseLong(w[0]), Integer.parseInt(w[1]), Long.parseLong(w[2]), w[3]);
    }

    boolean isAddress() {
        return !answer.isEmpty() && Character.isDigit(answer.charAt(0));
    }

    boolean isServfail() {
        return answer.equals("SERVFAIL");
    }
}
