package dev.baton.agent.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.check.InstanceHealth;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class DecisionCodecProperties {

    @Property(tries = 300)
    void everyDecisionRoundTrips(@ForAll("decisions") Decision decision) {
        assertThat(DecisionCodec.decode(DecisionCodec.encode(decision))).isEqualTo(decision);
    }

    @Property(tries = 500)
    void arbitraryBytesDecodeOrFailWithAFormatError(@ForAll @Size(max = 200) byte[] bytes) {
        try {
            DecisionCodec.decode(bytes);
        } catch (DecisionFormatException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void flippingAByteNeverThrowsAnythingElse(@ForAll("decisions") Decision decision, @ForAll int position,
                                              @ForAll byte flip) {
        byte[] bytes = DecisionCodec.encode(decision);
        bytes[Math.floorMod(position, bytes.length)] ^= (byte) (flip | 1);
        try {
            DecisionCodec.decode(bytes);
        } catch (DecisionFormatException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<Decision> decisions() {
        Arbitrary<String> names = Arbitraries.strings().ofMinLength(1).ofMaxLength(8).filter(s -> !s.isBlank());
        Arbitrary<Map<Integer, Map<String, InstanceHealth>>> evidence = Arbitraries.maps(
                Arbitraries.integers().between(1, 7),
                Arbitraries.maps(names, Arbitraries.of(InstanceHealth.class)).ofMaxSize(4)).ofMaxSize(5);
        return Combinators.combine(names, names.injectNull(0.2), Arbitraries.longs().greaterOrEqual(0),
                Arbitraries.strings().ofMaxLength(60), Arbitraries.longs(), evidence).as(Decision::new);
    }
}
