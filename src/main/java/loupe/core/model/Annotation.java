package loupe.core.model;

import java.util.List;
import java.util.Map;

/**
 * One labelled object (or, with a null box, an image-level label as in a classification tree).
 *
 * @param imagePath  the image this annotation belongs to, relative to the dataset root with '/' separators
 * @param classId    the class id as the source defines it; it may be unknown to the dataset's class list
 *                   (the indexer reports that as {@link ProblemKind#UNKNOWN_CLASS})
 * @param box        the box in pixels (see {@link BoundingBox}), or null for an image-level label
 * @param polygons   zero or more polygons in the same pixel space; never null
 * @param crowd      COCO's {@code iscrowd}
 * @param attributes free attributes (VOC {@code difficult}, CVAT attributes ...); never null
 */
public record Annotation(String imagePath, int classId, BoundingBox box, List<Polygon> polygons, boolean crowd,
                         Map<String, String> attributes) {

    public Annotation {
        polygons = List.copyOf(polygons);
        attributes = Map.copyOf(attributes);
    }

    public static Annotation box(String imagePath, int classId, BoundingBox box) {
        return new Annotation(imagePath, classId, box, List.of(), false, Map.of());
    }

    public static Annotation imageLabel(String imagePath, int classId) {
        return new Annotation(imagePath, classId, null, List.of(), false, Map.of());
    }
}
