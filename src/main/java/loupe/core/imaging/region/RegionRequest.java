package loupe.core.imaging.region;

/**
 * A rectangle of an image to read at a resolution. {@code x, y, width, height} are pixels of the full-resolution
 * image (origin top left), whatever the downsample; the result has {@link #outputWidth()} x {@link #outputHeight()}
 * pixels. A record, so it can serve as a cache key.
 *
 * @param downsample full-resolution pixels per output pixel: 1 reads at full resolution, 4 gives an image a quarter
 *                   as wide and high; must be positive and finite (values below 1 upscale)
 * @param x          left edge in full-resolution pixels, at least 0
 * @param y          top edge in full-resolution pixels, at least 0
 * @param width      in full-resolution pixels, at least 1; {@code x + width} at most the image width
 * @param height     in full-resolution pixels, at least 1; {@code y + height} at most the image height
 */
public record RegionRequest(double downsample, int x, int y, int width, int height) {

    public RegionRequest {
        if (!(downsample > 0) || Double.isInfinite(downsample)) {
            throw new IllegalArgumentException("downsample must be positive and finite, got " + downsample);
        }
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("invalid region x=" + x + " y=" + y + " width=" + width
                    + " height=" + height);
        }
    }

    /** A full-resolution read of the rectangle. */
    public static RegionRequest of(int x, int y, int width, int height) {
        return new RegionRequest(1, x, y, width, height);
    }

    /** Width of the image a read returns: {@code round(width / downsample)}, at least 1. */
    public int outputWidth() {
        return Math.max(1, (int) Math.round(width / downsample));
    }

    /** Height of the image a read returns: {@code round(height / downsample)}, at least 1. */
    public int outputHeight() {
        return Math.max(1, (int) Math.round(height / downsample));
    }
}
