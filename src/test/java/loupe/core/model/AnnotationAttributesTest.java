package loupe.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AnnotationAttributesTest {

    @Test
    void attributesAreWalkedInKeyOrderWhateverOrderTheyCameIn() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("truncated", "1");
        given.put("area", "12.5");
        given.put("id", "7");
        given.put("difficult", "0");
        Annotation a = new Annotation("a.jpg", 1, new BoundingBox(1, 2, 3, 4), List.of(), false, given);

        assertEquals(List.of("area", "difficult", "id", "truncated"), List.copyOf(a.attributes().keySet()));
        assertEquals(given, a.attributes());
        assertThrows(UnsupportedOperationException.class, () -> a.attributes().put("x", "y"));
    }

    @Test
    void laterChangesToTheGivenMapDoNotReachTheAnnotation() {
        Map<String, String> given = new java.util.TreeMap<>(Map.of("b", "2", "a", "1"));
        Annotation a = new Annotation("a.jpg", 1, null, List.of(), false,
                java.util.Collections.unmodifiableSortedMap((java.util.SortedMap<String, String>) given));
        given.put("c", "3");
        assertEquals(Map.of("a", "1", "b", "2"), a.attributes());
    }

    @Test
    void nullKeysAndValuesAreRefused() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertThrows(NullPointerException.class,
                () -> new Annotation("a.jpg", 1, null, List.of(), false, nullValue));
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(null, "v");
        assertThrows(NullPointerException.class,
                () -> new Annotation("a.jpg", 1, null, List.of(), false, nullKey));
    }
}
