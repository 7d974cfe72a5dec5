package loupe.core.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import loupe.core.model.Polygon;

/**
 * The catalog's encoding of an annotation's polygons: a BLOB of little-endian values, the polygon count
 * (int), then for each polygon its point count (int) and its {@code x, y} doubles. Binary rather than JSON
 * text because formatting doubles as text dominated the cost of storing COCO segmentations.
 */
public final class Polygons {

    private Polygons() {
    }

    public static byte[] encode(List<Polygon> polygons) {
        int size = 4;
        for (Polygon p : polygons) {
            size += 4 + 8 * p.points().length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(polygons.size());
        for (Polygon p : polygons) {
            double[] points = p.points();
            buf.putInt(points.length / 2);
            for (double v : points) {
                buf.putDouble(v);
            }
        }
        return buf.array();
    }

    /** Decodes {@link #encode}'s output; null or empty input gives no polygons. */
    public static List<Polygon> decode(byte[] blob) {
        if (blob == null || blob.length < 4) {
            return List.of();
        }
        ByteBuffer buf = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        int count = buf.getInt();
        List<Polygon> polygons = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double[] points = new double[2 * buf.getInt()];
            for (int j = 0; j < points.length; j++) {
                points[j] = buf.getDouble();
            }
            polygons.add(new Polygon(points));
        }
        return polygons;
    }
}
