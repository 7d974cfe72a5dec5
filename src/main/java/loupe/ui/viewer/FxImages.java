package loupe.ui.viewer;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;

import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/**
 * BufferedImage to JavaFX {@link WritableImage} without javafx-swing: the pixels are packed into an ARGB int array
 * (fast paths for the types decoders produce) and written with a {@code PixelWriter}. Call it off the FX thread:
 * an image that is not yet shown may be written from any thread.
 */
public final class FxImages {

    private FxImages() {
    }

    /** A new FX image with the same pixels; alpha is kept. */
    public static WritableImage toFx(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        boolean[] opaque = {true};
        int[] argb = argb(image, opaque);
        WritableImage fx = new WritableImage(w, h);
        // Premultiplied ARGB is the software pipeline's own format; for opaque pixels it is plain ARGB.
        PixelFormat<java.nio.IntBuffer> format = opaque[0] ? PixelFormat.getIntArgbPreInstance()
                : PixelFormat.getIntArgbInstance();
        fx.getPixelWriter().setPixels(0, 0, w, h, format, argb, 0, w);
        return fx;
    }

    /** The pixels as packed ARGB ints, row by row; {@code opaque[0]} is cleared when the image has alpha. */
    static int[] argb(BufferedImage image, boolean[] opaque) {
        int w = image.getWidth();
        int h = image.getHeight();
        int n = w * h;
        int type = image.getType();
        boolean whole = image.getRaster().getMinX() == 0 && image.getRaster().getMinY() == 0
                && image.getRaster().getSampleModelTranslateX() == 0 && image.getRaster().getSampleModelTranslateY() == 0;
        if (whole && type == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1
                && db.getData().length == n * 3) {
            byte[] src = db.getData();
            int[] out = new int[n];
            for (int i = 0, j = 0; i < n; i++, j += 3) {
                out[i] = 0xff000000 | (src[j + 2] & 0xff) << 16 | (src[j + 1] & 0xff) << 8 | (src[j] & 0xff);
            }
            return out;
        }
        if (whole && type == BufferedImage.TYPE_BYTE_GRAY
                && image.getRaster().getDataBuffer() instanceof DataBufferByte db && db.getData().length == n) {
            byte[] src = db.getData();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                int g = src[i] & 0xff;
                out[i] = 0xff000000 | g << 16 | g << 8 | g;
            }
            return out;
        }
        if (whole && type == BufferedImage.TYPE_INT_RGB
                && image.getRaster().getDataBuffer() instanceof DataBufferInt db && db.getData().length == n) {
            int[] src = db.getData();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = 0xff000000 | src[i];
            }
            return out;
        }
        // Everything else (alpha, palettes, 16-bit, CMYK ...) through the colour model.
        int[] out = image.getRGB(0, 0, w, h, null, 0, w);
        if (image.getColorModel().hasAlpha()) {
            for (int v : out) {
                if (v >>> 24 != 0xff) {
                    opaque[0] = false;
                    break;
                }
            }
        }
        return out;
    }
}
