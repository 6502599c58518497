package dev.baton.agent.dns;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real {@code dig} (Debian package bind9-dnsutils) against a server on 127.0.0.1 and parses its
 * {@code +noall +comments +answer +authority} output. A missing dig fails the test: interoperability is the
 * point, and CI installs it.
 */
final class Dig {

    private static final Pattern HEADER = Pattern.compile(
            ";; ->>HEADER<<- opcode: (\\w+), status: (\\w+), id: (\\d+)");
    private static final Pattern FLAGS = Pattern.compile(";; flags:([^;]*);");
    private static final Pattern EDNS = Pattern.compile("; EDNS: version: (\\d+), flags:[^;]*; udp: (\\d+)");

    /** One record line of dig's output, split on white space. */
    record Rr(String name, long ttl, String type, String rdata) {
    }

    /** One response as dig printed it. */
    record Response(String opcode, String status, Set<String> flags, Integer ednsUdp, List<Rr> answer,
                    List<Rr> authority) {
    }

    record Result(List<Response> responses, String output) {
        Response single() {
            if (responses.size() != 1) fail("expected one response from dig, got " + responses.size() + ":\n" + output);
            return responses.get(0);
        }
    }

    private Dig() {
    }

    static Result run(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port),
                "+tries=1", "+time=5", "+noall", "+comments", "+answer", "+authority"));
        command.addAll(Arrays.asList(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("dig is required for the DNS interop tests: apt-get install bind9-dnsutils", e);
        }
        try {
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("dig did not finish within 30 s: " + command);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(parse(out), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted", e);
        } catch (IOException e) {
            throw new AssertionError("reading dig's output", e);
        }
    }

    static List<Response> parse(String out) {
        List<Response> responses = new ArrayList<>();
        String opcode = null, status = null;
        Set<String> flags = Set.of();
        Integer udp = null;
        List<Rr> answer = null, authority = null, section = null;
        for (String line : out.split("\n")) {
            Matcher h = HEADER.matcher(line);
            if (h.find()) {
                if (opcode != null) responses.add(new Response(opcode, status, flags, udp, answer, authority));
                opcode = h.group(1);
                status = h.group(2);
                flags = Set.of();
                udp = null;
                answer = new ArrayList<>();
                authority = new ArrayList<>();
                section = null;
                continue;
            }
            if (opcode == null) continue;
            Matcher f = FLAGS.matcher(line);
            if (f.find()) {
                flags = new LinkedHashSet<>(Arrays.asList(f.group(1).trim().split("\\s+")));
                continue;
            }
            Matcher e = EDNS.matcher(line);
            if (e.find()) {
                udp = Integer.parseInt(e.group(2));
                continue;
            }
            if (line.startsWith(";; ANSWER SECTION")) {
                section = answer;
            } else if (line.startsWith(";; AUTHORITY SECTION")) {
                section = authority;
            } else if (line.isBlank() || line.startsWith(";")) {
                if (line.isBlank()) section = null;
            } else if (section != null) {
                String[] fields = line.trim().split("\\s+", 5);
                section.add(new Rr(fields[0], Long.parseLong(fields[1]), fields[3], fields.length > 4 ? fields[4] : ""));
            }
        }
        if (opcode != null) responses.add(new Response(opcode, status, flags, udp, answer, authority));
        return responses;
    }
}
