package loupe.ui.fx;

import java.awt.image.BufferedImage;

import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/** BufferedImage to JavaFX image, without javafx-swing. May be called off the FX thread. */
public final class FxImages {

    private FxImages() {
    }

    /** Copies the pixels of {@code image} into a new JavaFX image (one pass through an int ARGB row buffer). */
    public static WritableImage toFx(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        WritableImage fx = new WritableImage(w, h);
        fx.getPixelWriter().setPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        return fx;
    }
}
