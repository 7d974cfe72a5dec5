package loupe.core.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FeedVerdictTest {

    @Test
    void twiceTheTargetKeepsUpWithTheMarginStated() {
        FeedVerdict v = FeedVerdict.of(1000, 500, false);
        assertEquals(FeedVerdict.Outcome.KEEPS_UP, v.outcome());
        assertTrue(v.keepsUp());
        assertEquals(2.0, v.ratio(), 1e-9);
        assertEquals(100.0, v.marginPercent(), 1e-9);
        assertTrue(v.message().contains("2.0x"), v.message());
        assertTrue(v.message().contains("100% to spare"), v.message());
    }

    @Test
    void lessThanAQuarterToSpareIsTight() {
        FeedVerdict v = FeedVerdict.of(550, 500, false);
        assertEquals(FeedVerdict.Outcome.TIGHT, v.outcome());
        assertTrue(v.keepsUp());
        assertEquals(10.0, v.marginPercent(), 1e-9);
        assertTrue(v.message().contains("only 10% to spare"), v.message());
    }

    @Test
    void exactlyTheTargetStillKeepsUp() {
        assertEquals(FeedVerdict.Outcome.TIGHT, FeedVerdict.of(500, 500, false).outcome());
        assertEquals(FeedVerdict.Outcome.KEEPS_UP, FeedVerdict.of(625, 500, false).outcome());
    }

    @Test
    void belowTheTargetFallsShortAndSaysHowMuchMoreIsNeeded() {
        FeedVerdict v = FeedVerdict.of(400, 500, false);
        assertEquals(FeedVerdict.Outcome.FALLS_SHORT, v.outcome());
        assertFalse(v.keepsUp());
        assertEquals(-20.0, v.marginPercent(), 1e-9);
        assertTrue(v.message().contains("80% of the target"), v.message());
        assertTrue(v.message().contains("1.3x more"), v.message());
    }

    @Test
    void nothingFedFallsShort() {
        FeedVerdict v = FeedVerdict.of(0, 500, false);
        assertEquals(FeedVerdict.Outcome.FALLS_SHORT, v.outcome());
        assertEquals(-100.0, v.marginPercent(), 1e-9);
    }

    @Test
    void cacheSpeedIsMentionedWhenItKeepsUp() {
        assertTrue(FeedVerdict.of(1000, 500, true).message().contains("page-cache speed"));
        assertFalse(FeedVerdict.of(1000, 500, false).message().contains("page-cache"));
    }

    @Test
    void fallingShortAtCacheSpeedSaysTheDiskCanOnlyBeSlower() {
        assertTrue(FeedVerdict.of(100, 500, true).message().contains("can only be slower"));
    }

    @Test
    void targetMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> FeedVerdict.of(100, 0, false));
        assertThrows(IllegalArgumentException.class, () -> FeedVerdict.of(100, Double.NaN, false));
    }
}
