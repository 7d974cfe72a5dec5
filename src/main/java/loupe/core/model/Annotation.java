package loupe.core.model;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One labelled object (or, with a null box, an image-level label as in a classification tree).
 *
 * @param imagePath  the image this annotation belongs to, relative to the dataset root with '/' separators
 * @param classId    the class id as the source defines it; it may be unknown to the dataset's class list
 *                   (the indexer reports that as {@link ProblemKind#UNKNOWN_CLASS})
 * @param box        the box in pixels (see {@link BoundingBox}), or null for an image-level label
 * @param polygons   zero or more polygons in the same pixel space; never null
 * @param crowd      COCO's {@code iscrowd}
 * @param attributes free attributes (VOC {@code difficult}, CVAT attributes ...); never null, no null keys or
 *                   values; kept sorted by key, so that everything that walks them (writers, loss reports) does
 *                   so in the same order in every run ({@code Map.copyOf}'s order changes from one JVM to the next)
 */
public record Annotation(String imagePath, int classId, BoundingBox box, List<Polygon> polygons, boolean crowd,
                         Map<String, String> attributes) {

    public Annotation {
        polygons = List.copyOf(polygons);
        attributes = attributes.isEmpty() ? Map.of() : sortedCopy(attributes);
    }

    private static Map<String, String> sortedCopy(Map<String, String> attributes) {
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            copy.put(Objects.requireNonNull(e.getKey(), "attribute key"),
                    Objects.requireNonNull(e.getValue(), "value of attribute " + e.getKey()));
        }
        return Collections.unmodifiableSortedMap(copy);
    }

    public static Annotation box(String imagePath, int classId, BoundingBox box) {
        return new Annotation(imagePath, classId, box, List.of(), false, Map.of());
    }

    public static Annotation imageLabel(String imagePath, int classId) {
        return new Annotation(imagePath, classId, null, List.of(), false, Map.of());
    }
}
