package loupe.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/** Writes small real images for tests. */
public final class TestImages {

    private TestImages() {
    }

    /** Writes a real image of the given size; the format comes from the extension (jpg, png, bmp, gif). */
    public static Path write(Path file, int width, int height) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(60, 120, 200));
            g.fillRect(0, 0, width, height);
            g.setColor(Color.ORANGE);
            g.fillOval(width / 4, height / 4, width / 2, height / 2);
            g.dispose();
            String name = file.getFileName().toString();
            String format = name.substring(name.lastIndexOf('.') + 1).toLowerCase();
            if (!ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, file.toFile())) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts a file to half its length, like an interrupted download. */
    public static void truncate(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
