package loupe.ui.viewer;

/**
 * An EXIF orientation (tag 274, values 1..8) as a mapping from the stored-pixel frame (how the file's pixels and
 * the catalog's boxes are laid out) to the display frame (how the photo is meant to be seen). Points are continuous
 * coordinates (pixel edges), so a stored image {@code w x h} maps onto {@code displayWidth x displayHeight} exactly.
 *
 * <pre>
 *  1 as stored          2 mirrored left-right   3 rotated 180        4 mirrored top-bottom
 *  5 transposed         6 rotated 90 clockwise  7 transverse         8 rotated 90 anticlockwise
 * </pre>
 *
 * @param code the EXIF value; anything outside 1..8 is treated as 1 (EXIF says so for unknown values)
 */
public record Orientation(int code) {

    public static final Orientation NORMAL = new Orientation(1);

    public Orientation {
        if (code < 1 || code > 8) {
            code = 1;
        }
    }

    public static Orientation of(int code) {
        return new Orientation(code);
    }

    /** True for the orientations that swap width and height (5..8). */
    public boolean swapsAxes() {
        return code >= 5;
    }

    public boolean isNormal() {
        return code == 1;
    }

    public double displayWidth(double storedWidth, double storedHeight) {
        return swapsAxes() ? storedHeight : storedWidth;
    }

    public double displayHeight(double storedWidth, double storedHeight) {
        return swapsAxes() ? storedWidth : storedHeight;
    }

    /**
     * The unit-square form of the mapping, {@code X = a u + b v + c, Y = d u + e v + f} for {@code u, v} in 0..1,
     * as {@code {a, b, c, d, e, f}}.
     */
    double[] unit() {
        return switch (code) {
            case 2 -> new double[] {-1, 0, 1, 0, 1, 0};
            case 3 -> new double[] {-1, 0, 1, 0, -1, 1};
            case 4 -> new double[] {1, 0, 0, 0, -1, 1};
            case 5 -> new double[] {0, 1, 0, 1, 0, 0};
            case 6 -> new double[] {0, -1, 1, 1, 0, 0};
            case 7 -> new double[] {0, -1, 1, -1, 0, 1};
            case 8 -> new double[] {0, 1, 0, -1, 0, 1};
            default -> new double[] {1, 0, 0, 0, 1, 0};
        };
    }

    /** Maps a stored-frame point of a {@code w x h} image to the display frame: {@code {X, Y}}. */
    public double[] toDisplay(double x, double y, double w, double h) {
        double[] m = unit();
        double u = x / w;
        double v = y / h;
        double dw = displayWidth(w, h);
        double dh = displayHeight(w, h);
        return new double[] {(m[0] * u + m[1] * v + m[2]) * dw, (m[3] * u + m[4] * v + m[5]) * dh};
    }

    /** The inverse of {@link #toDisplay}: a display-frame point to the stored frame of a {@code w x h} image. */
    public double[] toStored(double displayX, double displayY, double w, double h) {
        double[] m = unit();
        double dw = displayWidth(w, h);
        double dh = displayHeight(w, h);
        double px = displayX / dw - m[2];
        double py = displayY / dh - m[5];
        // The 2x2 part is a signed permutation matrix: its inverse is its transpose.
        double u = m[0] * px + m[3] * py;
        double v = m[1] * px + m[4] * py;
        return new double[] {u * w, v * h};
    }

    /** Maps a stored-frame rectangle to the display frame (still axis-aligned): {@code {x0, y0, x1, y1}}. */
    public double[] rectToDisplay(double x0, double y0, double x1, double y1, double w, double h) {
        double[] a = toDisplay(x0, y0, w, h);
        double[] b = toDisplay(x1, y1, w, h);
        return new double[] {Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])};
    }

    /** A label for the side panel: "rotated 90° clockwise" ... */
    public String describe() {
        return switch (code) {
            case 2 -> "mirrored left-right";
            case 3 -> "rotated 180\u00b0";
            case 4 -> "mirrored top-bottom";
            case 5 -> "transposed";
            case 6 -> "rotated 90\u00b0 clockwise";
            case 7 -> "transverse";
            case 8 -> "rotated 90\u00b0 anticlockwise";
            default -> "as stored";
        };
    }
}
