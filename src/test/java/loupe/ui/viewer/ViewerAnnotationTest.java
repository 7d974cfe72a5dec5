package loupe.ui.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import loupe.core.formats.CocoRle;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;

class ViewerAnnotationTest {

    private static ViewerAnnotation withAttributes(Map<String, String> attributes) {
        return new ViewerAnnotation(0, new Annotation("a.jpg", 1, new BoundingBox(10, 20, 30, 40), List.of(), false,
                attributes), "car");
    }

    @Test
    void anRleMaskIsDescribedByItsSizeNotItsRuns() {
        String runs = "0".repeat(5000);
        String text = withAttributes(Map.of(CocoRle.ATTRIBUTE, CocoRle.toAttribute(480, 640, runs),
                CocoRle.SOURCE_FORM, CocoRle.COMPRESSED, "occluded", "true")).describe();

        assertEquals("car  \u00b7  30 x 40 at (10, 20)  \u00b7  RLE mask 640x480  \u00b7  occluded=true", text);
    }

    @Test
    void uncompressedSourceCountsAreNoted() {
        String text = withAttributes(Map.of(CocoRle.ATTRIBUTE, "2 3 123", CocoRle.SOURCE_FORM,
                CocoRle.UNCOMPRESSED)).describe();

        assertTrue(text.endsWith("RLE mask 3x2 (uncompressed counts)"), text);
    }

    @Test
    void longAttributeValuesAreCut() {
        String text = withAttributes(Map.of("note", "x".repeat(500))).describe();

        assertTrue(text.contains("note=" + "x".repeat(ViewerAnnotation.MAX_VALUE_CHARS) + "\u2026 (500 characters)"),
                text);
        assertFalse(text.contains("x".repeat(ViewerAnnotation.MAX_VALUE_CHARS + 1)));
    }

    @Test
    void shortAttributesAreListedByName() {
        assertEquals("car  \u00b7  30 x 40 at (10, 20)  \u00b7  a=1, b=2",
                withAttributes(Map.of("b", "2", "a", "1")).describe());
    }
}
