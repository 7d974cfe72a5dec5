package loupe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QuickJitTest {

    @Test
    void hotSpotAcceptsTheDirectiveThatKeepsMethodsOutOfC2() {
        // The reply is HotSpot's own: it parsed the directives file and installed one directive.
        assertEquals("1 compiler directives added", QuickJit.addDirective());
        // And it can be taken back, as a big dataset does (HotSpot's reply to a removal is empty).
        assertEquals("", QuickJit.removeDirective());
    }
}
