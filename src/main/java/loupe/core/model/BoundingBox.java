package loupe.core.model;

/**
 * An axis-aligned box in image pixels at full resolution, origin at the top-left corner of the image,
 * x growing right and y growing down. {@code x, y} is the top-left corner of the box; {@code width} and
 * {@code height} are its extent. All values are doubles, so sub-pixel boxes survive a round trip.
 *
 * <p>This is the one coordinate contract of Loupe. Every format converts at its own boundary: YOLO's
 * normalised centres, VOC's 1-based inclusive corners and so on are translated inside their format class
 * and nowhere else. A box may lie partly or wholly outside the image, or have zero or negative size: it is
 * kept as read and the indexer reports it as a {@link Problem}.
 */
public record BoundingBox(double x, double y, double width, double height) {

    /** Builds a box from its corners {@code (x1, y1)} top-left and {@code (x2, y2)} bottom-right. */
    public static BoundingBox fromCorners(double x1, double y1, double x2, double y2) {
        return new BoundingBox(x1, y1, x2 - x1, y2 - y1);
    }

    public double maxX() {
        return x + width;
    }

    public double maxY() {
        return y + height;
    }

    public double area() {
        return width * height;
    }
}
