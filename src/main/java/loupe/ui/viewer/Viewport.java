package loupe.ui.viewer;

/**
 * What the viewer shows: a scale and the display-frame image point at the centre of a view of a given size. A
 * value; every change makes a new one.
 *
 * @param scale   screen pixels per image pixel (1 is 1:1; 0.1 shows a tenth)
 * @param centerX display-frame image x at the centre of the view
 * @param centerY display-frame image y at the centre of the view
 * @param width   the view's width in screen pixels
 * @param height  the view's height in screen pixels
 */
public record Viewport(double scale, double centerX, double centerY, double width, double height) {

    /** Beyond these, zooming stops: 1/1000 of a pixel per screen pixel is past any slide, 64x is past any use. */
    public static final double MIN_SCALE = 1e-3;
    public static final double MAX_SCALE = 64;

    public Viewport {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
    }

    /** The whole image centred in the view, as large as fits (small images are enlarged too). */
    public static Viewport fit(double imageWidth, double imageHeight, double viewWidth, double viewHeight) {
        double scale = Math.min(viewWidth / imageWidth, viewHeight / imageHeight);
        if (!(scale > 0) || Double.isInfinite(scale)) {
            scale = 1;
        }
        return new Viewport(clamp(scale), imageWidth / 2, imageHeight / 2, viewWidth, viewHeight);
    }

    /** Image pixels per screen pixel: the resolution tiles are needed at. */
    public double downsample() {
        return 1 / scale;
    }

    public double toScreenX(double imageX) {
        return (imageX - centerX) * scale + width / 2;
    }

    public double toScreenY(double imageY) {
        return (imageY - centerY) * scale + height / 2;
    }

    public double toImageX(double screenX) {
        return (screenX - width / 2) / scale + centerX;
    }

    public double toImageY(double screenY) {
        return (screenY - height / 2) / scale + centerY;
    }

    /** Zoomed by {@code factor} keeping the image point under the screen point {@code (sx, sy)} where it is. */
    public Viewport zoomAt(double factor, double sx, double sy) {
        double newScale = clamp(scale * factor);
        double ix = toImageX(sx);
        double iy = toImageY(sy);
        // Solve (ix - cx') * s' + w/2 = sx for cx'.
        return new Viewport(newScale, ix - (sx - width / 2) / newScale, iy - (sy - height / 2) / newScale, width,
                height);
    }

    /** At {@code newScale}, keeping the image point at the centre of the view. */
    public Viewport withScale(double newScale) {
        return new Viewport(clamp(newScale), centerX, centerY, width, height);
    }

    /** Moved so that the image slides by {@code (dx, dy)} screen pixels (a drag to the right shows what is left). */
    public Viewport panBy(double dx, double dy) {
        return new Viewport(scale, centerX - dx / scale, centerY - dy / scale, width, height);
    }

    public Viewport withSize(double newWidth, double newHeight) {
        return new Viewport(scale, centerX, centerY, newWidth, newHeight);
    }

    /**
     * Kept so that the image cannot be dragged out of view: its centre stays inside the image (then at least a
     * quarter of the view shows image when it is larger than the view).
     */
    public Viewport clampedTo(double imageWidth, double imageHeight) {
        double cx = Math.max(0, Math.min(imageWidth, centerX));
        double cy = Math.max(0, Math.min(imageHeight, centerY));
        return cx == centerX && cy == centerY ? this : new Viewport(scale, cx, cy, width, height);
    }

    private static double clamp(double scale) {
        return Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale));
    }
}
