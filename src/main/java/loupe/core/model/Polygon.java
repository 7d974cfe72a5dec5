package loupe.core.model;

import java.util.Arrays;

/**
 * A closed polygon in the same pixel space as {@link BoundingBox}: {@code points} holds
 * {@code x0, y0, x1, y1, ...}. The array is defensively copied; do not mutate the one returned.
 */
public record Polygon(double[] points) {

    public Polygon {
        if (points.length % 2 != 0) {
            throw new IllegalArgumentException("polygon needs an even number of coordinates, got " + points.length);
        }
        points = points.clone();
    }

    public int size() {
        return points.length / 2;
    }

    /** The tightest box around the points, or null for an empty polygon. */
    public BoundingBox bounds() {
        if (points.length == 0) {
            return null;
        }
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < points.length; i += 2) {
            minX = Math.min(minX, points[i]);
            maxX = Math.max(maxX, points[i]);
            minY = Math.min(minY, points[i + 1]);
            maxY = Math.max(maxY, points[i + 1]);
        }
        return BoundingBox.fromCorners(minX, minY, maxX, maxY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Polygon p && Arrays.equals(points, p.points);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(points);
    }

    @Override
    public String toString() {
        return "Polygon" + Arrays.toString(points);
    }

    /** The box around all of {@code polygons}, or null when none has a point. */
    public static BoundingBox boundsOf(java.util.List<Polygon> polygons) {
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Polygon polygon : polygons) {
            BoundingBox b = polygon.bounds();
            if (b != null) {
                minX = Math.min(minX, b.x());
                minY = Math.min(minY, b.y());
                maxX = Math.max(maxX, b.maxX());
                maxY = Math.max(maxY, b.maxY());
            }
        }
        return minX > maxX ? null : BoundingBox.fromCorners(minX, minY, maxX, maxY);
    }
}
