package dev.baton.agent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@code failover} service moves back to a better-priority instance that has recovered. A hold-down
 * ({@link After}) avoids flapping back to an instance that is still unstable.
 */
public sealed interface Failback permits Failback.Immediate, Failback.After, Failback.Manual {

    /** The default for {@code failover} services: move back as soon as the better instance is up. */
    Failback DEFAULT = new Immediate();

    /** Back as soon as the better instance is up (after its {@code rise} checks). */
    record Immediate() implements Failback {
        @Override
        public String toString() {
            return "immediate";
        }
    }

    /** Back once the better instance has stayed up for {@code holdDown}. */
    record After(Duration holdDown) implements Failback {
        public After {
            Objects.requireNonNull(holdDown, "holdDown");
            if (holdDown.isNegative()) throw new IllegalArgumentException("negative hold-down");
        }

        @Override
        public String toString() {
            return "after " + Durations.format(holdDown);
        }
    }

    /** Never automatically; an operator switches back. */
    record Manual() implements Failback {
        @Override
        public String toString() {
            return "manual";
        }
    }

    /** Parses {@code immediate}, {@code after <duration>} or {@code manual}; throws with a clear message. */
    static Failback parse(String text) {
        String t = text.strip();
        if (t.equals("immediate")) return new Immediate();
        if (t.equals("manual")) return new Manual();
        if (t.startsWith("after ")) return new After(Durations.parse(t.substring("after ".length()).strip()));
        if (t.equals("after")) throw new IllegalArgumentException("\"after\" needs a hold-down, e.g. after 30s");
        throw new IllegalArgumentException("\"" + text + "\" is not one of: immediate, after <duration>, manual");
    }
}
