package loupe.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import loupe.core.model.BoundingBox;

/** Box comparisons that name the coordinate that differs. */
public final class BoxAssertions {

    private BoxAssertions() {
    }

    /** Each coordinate equal within 1e-9 pixels: for boxes read as written. */
    public static void assertBoxEquals(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), 1e-9, "x");
        assertEquals(expected.y(), actual.y(), 1e-9, "y");
        assertEquals(expected.width(), actual.width(), 1e-9, "width");
        assertEquals(expected.height(), actual.height(), 1e-9, "height");
    }

    /**
     * Each coordinate equal within a relative 1e-6 (absolute for values below 1): for boxes that went through
     * a format's number formatting or normalisation.
     */
    public static void assertBoxClose(BoundingBox expected, BoundingBox actual) {
        assertEquals(expected.x(), actual.x(), 1e-6 * Math.max(1, Math.abs(expected.x())), "x");
        assertEquals(expected.y(), actual.y(), 1e-6 * Math.max(1, Math.abs(expected.y())), "y");
        assertEquals(expected.width(), actual.width(), 1e-6 * Math.max(1, Math.abs(expected.width())), "width");
        assertEquals(expected.height(), actual.height(), 1e-6 * Math.max(1, Math.abs(expected.height())), "height");
    }
}
