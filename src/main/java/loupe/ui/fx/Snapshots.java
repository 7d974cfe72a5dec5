package loupe.ui.fx;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import javafx.scene.Scene;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;

/**
 * Captures a scene as an image for screenshots. Capturing must happen on the FX thread, writing should not:
 * {@link #capture} copies the pixels, {@link Capture#writePng} encodes them anywhere.
 */
public final class Snapshots {

    private Snapshots() {
    }

    /** Pixels of a scene, as packed ARGB ints in rows. */
    public record Capture(int width, int height, int[] argb) {

        /** Writes the capture as a PNG file, creating its folder when needed. */
        public void writePng(Path file) throws IOException {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
            image.setRGB(0, 0, width, height, argb, 0, width);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer available for " + file);
            }
        }
    }

    /** Renders {@code scene} and copies its pixels. FX thread only. */
    public static Capture capture(Scene scene) {
        WritableImage image = scene.snapshot(null);
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        int[] argb = new int[w * h];
        PixelReader reader = image.getPixelReader();
        reader.getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        return new Capture(w, h, argb);
    }
}
