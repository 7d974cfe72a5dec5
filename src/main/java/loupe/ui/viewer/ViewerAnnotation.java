package loupe.ui.viewer;

import java.util.Map;
import java.util.stream.Collectors;

import loupe.core.formats.CocoRle;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;

/**
 * An annotation as the viewer lists and draws it.
 *
 * @param index      its position in the image's annotation list (stable while the image is open)
 * @param annotation the catalog's annotation; box and polygons in the stored-pixel frame
 * @param className  the class's name, or "class N"
 */
public record ViewerAnnotation(int index, Annotation annotation, String className) {

    public int classId() {
        return annotation.classId();
    }

    /** The box, or the polygons' bounds when there is no box; null for an image-level label. */
    public BoundingBox extent() {
        if (annotation.box() != null) {
            return annotation.box();
        }
        if (annotation.polygons().isEmpty()) {
            return null;
        }
        double x0 = Double.POSITIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (var p : annotation.polygons()) {
            BoundingBox b = p.bounds();
            x0 = Math.min(x0, b.x());
            y0 = Math.min(y0, b.y());
            x1 = Math.max(x1, b.maxX());
            y1 = Math.max(y1, b.maxY());
        }
        return BoundingBox.fromCorners(x0, y0, x1, y1);
    }

    /** One line for the side panel and the hover status: class, box, attributes. */
    public String describe() {
        StringBuilder s = new StringBuilder(className);
        BoundingBox b = annotation.box();
        if (b != null) {
            s.append(String.format("  \u00b7  %.0f x %.0f at (%.0f, %.0f)", b.width(), b.height(), b.x(), b.y()));
        } else if (!annotation.polygons().isEmpty()) {
            s.append("  \u00b7  polygon");
        } else {
            s.append("  \u00b7  image label");
        }
        if (!annotation.polygons().isEmpty() && b != null) {
            s.append(", ").append(annotation.polygons().size() == 1 ? "polygon"
                    : annotation.polygons().size() + " polygons");
        }
        if (annotation.crowd()) {
            s.append("  \u00b7  crowd");
        }
        Map<String, String> attributes = new java.util.TreeMap<>(annotation.attributes());
        String rle = attributes.remove(CocoRle.ATTRIBUTE);
        if (rle != null) {
            // The mask's runs are thousands of characters: its size says what it is.
            String form = attributes.remove(CocoRle.SOURCE_FORM);
            s.append("  \u00b7  ").append(describeRle(rle))
                    .append(CocoRle.UNCOMPRESSED.equals(form) ? " (uncompressed counts)" : "");
        }
        if (!attributes.isEmpty()) {
            s.append("  \u00b7  ").append(attributes.entrySet().stream()
                    .map(e -> e.getKey() + "=" + shorten(e.getValue())).collect(Collectors.joining(", ")));
        }
        return s.toString();
    }

    /** Attribute values longer than this are cut in the one-line description. */
    static final int MAX_VALUE_CHARS = 60;

    /** "RLE mask 640x480" for the {@link CocoRle#ATTRIBUTE} text {@code "H W COUNTS"}. */
    static String describeRle(String text) {
        String[] parts = text.split(" ", 3);
        if (parts.length >= 2 && parts[0].matches("\\d+") && parts[1].matches("\\d+")) {
            return "RLE mask " + parts[1] + "x" + parts[0];
        }
        return "RLE mask";
    }

    private static String shorten(String value) {
        return value.length() <= MAX_VALUE_CHARS ? value
                : value.substring(0, MAX_VALUE_CHARS) + "\u2026 (" + value.length() + " characters)";
    }
}
