package loupe.core.imaging.region;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;

/** Resizing of decoded regions: halving steps (each averages 2x2 pixels), then one bilinear step to the size. */
final class Resampling {

    private Resampling() {
    }

    /** The image at {@code width x height}; the same instance when it already has that size. */
    static BufferedImage resize(BufferedImage src, int width, int height) {
        BufferedImage current = src;
        // A single bilinear step samples 4 pixels wherever the factor is; beyond 2x it skips pixels and aliases.
        while (current.getWidth() >= 2 * width && current.getHeight() >= 2 * height) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
        }
        if (current.getWidth() != width || current.getHeight() != height) {
            current = draw(current, width, height);
        }
        return current;
    }

    private static BufferedImage draw(BufferedImage src, int width, int height) {
        BufferedImage dst = blank(src, width, height);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return dst;
    }

    /**
     * An empty RGB image stored as interleaved bytes in R, G, B order. The JDK's JPEG decoder and encoder copy rows of
     * such an image with {@code System.arraycopy}; with {@code TYPE_3BYTE_BGR} (B, G, R order) they reorder every
     * pixel in Java, which took most of the time of a chip read and write (measured with JFR).
     */
    static BufferedImage interleavedRgb(int width, int height) {
        java.awt.image.ColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_BYTE);
        java.awt.image.WritableRaster raster = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, width, height, width * 3, 3, new int[] {0, 1, 2}, null);
        return new BufferedImage(cm, raster, false, null);
    }

    /** An empty image like {@code src} (same type, or the same colour model for custom types). */
    static BufferedImage blank(BufferedImage src, int width, int height) {
        if (src.getType() != BufferedImage.TYPE_CUSTOM) {
            return new BufferedImage(width, height, src.getType());
        }
        ColorModel cm = src.getColorModel();
        try {
            return new BufferedImage(cm, cm.createCompatibleWritableRaster(width, height), cm.isAlphaPremultiplied(),
                    null);
        } catch (RuntimeException e) {
            return new BufferedImage(width, height, cm.hasAlpha() ? BufferedImage.TYPE_INT_ARGB
                    : BufferedImage.TYPE_INT_RGB);
        }
    }
}
