package loupe.core.imaging.region;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Test images: a smooth picture with shapes, and tiled pyramidal TIFFs written with the JDK's TIFF writer. */
public final class TiffFixtures {

    private TiffFixtures() {
    }

    /** A picture with gradients and shapes: smooth enough that JPEG keeps it close, varied enough to tell places apart. */
    public static BufferedImage picture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(20, 60, 200), width, height, new Color(240, 200, 40)));
        g.fillRect(0, 0, width, height);
        g.setPaint(new GradientPaint(0, height, new Color(200, 30, 30, 160), width, 0, new Color(30, 200, 90, 160)));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color((i * 53) % 256, (i * 97) % 256, (i * 151) % 256));
            int s = Math.max(4, Math.min(width, height) / 8);
            g.fillOval((i * 37 * width / 100) % Math.max(1, width - s), (i * 61 * height / 100) % Math.max(1, height - s),
                    s, s);
        }
        g.dispose();
        return image;
    }

    /** The JDK's TIFF writer, which (unlike TwelveMonkeys' in 3.14) writes tiles. */
    static ImageWriter jdkTiffWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("tiff");
        while (writers.hasNext()) {
            ImageWriter w = writers.next();
            if (w.getClass().getName().startsWith("com.sun.imageio.")) {
                return w;
            }
        }
        throw new IllegalStateException("no JDK TIFF writer");
    }

    /**
     * Writes {@code image} as a tiled TIFF with {@code levels} pages, each half the size of the previous one.
     *
     * @param compression "JPEG", "Deflate", "LZW" ...
     */
    public static Path pyramid(Path file, BufferedImage image, int levels, int tile, String compression)
            throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        ImageWriter writer = jdkTiffWriter();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            BufferedImage level = image;
            for (int i = 0; i < levels; i++) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
                param.setTiling(tile, tile, 0, 0);
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType(compression);
                if (compression.equals("JPEG")) {
                    param.setCompressionQuality(0.95f);
                }
                writer.writeToSequence(new IIOImage(level, null, null), param);
                level = half(level);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return file;
    }

    static BufferedImage half(BufferedImage image) {
        return naiveResize(image, Math.max(1, image.getWidth() / 2), Math.max(1, image.getHeight() / 2));
    }

    /** The simplest resize to compare against: mean of the source pixels that fall into each output pixel. */
    public static BufferedImage naiveResize(BufferedImage src, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        double fx = (double) src.getWidth() / width;
        double fy = (double) src.getHeight() / height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int x0 = (int) (x * fx), x1 = Math.max(x0 + 1, (int) ((x + 1) * fx));
                int y0 = (int) (y * fy), y1 = Math.max(y0 + 1, (int) ((y + 1) * fy));
                long r = 0, gr = 0, b = 0, n = 0;
                for (int yy = y0; yy < y1; yy++) {
                    for (int xx = x0; xx < x1; xx++) {
                        int rgb = src.getRGB(xx, yy);
                        r += (rgb >> 16) & 0xff;
                        gr += (rgb >> 8) & 0xff;
                        b += rgb & 0xff;
                        n++;
                    }
                }
                out.setRGB(x, y, (int) (r / n) << 16 | (int) (gr / n) << 8 | (int) (b / n));
            }
        }
        return out;
    }

    /** Mean absolute difference per channel value (0..255) between two images of the same size. */
    public static double meanDifference(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new AssertionError("sizes differ: " + a.getWidth() + "x" + a.getHeight() + " vs " + b.getWidth()
                    + "x" + b.getHeight());
        }
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
