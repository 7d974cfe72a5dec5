package loupe.core.export;

import java.awt.Graphics2D;
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

/** Encodes chip images: JPEG at a quality (alpha dropped, since JPEG has none) or PNG. Thread-safe. */
final class ChipImages {

    private ChipImages() {
    }

    static void write(BufferedImage image, Path file, String format, int quality) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        if (format.equals("png")) {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer for an image of type " + image.getType());
            }
            return;
        }
        BufferedImage rgb = jpegCompatible(image);
        ImageWriter writer = jpegWriter();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** The JDK's JPEG writer (TwelveMonkeys' delegates to it anyway). */
    private static ImageWriter jpegWriter() throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter any = null;
        while (writers.hasNext()) {
            ImageWriter w = writers.next();
            if (w.getClass().getName().startsWith("com.sun.imageio.")) {
                if (any != null) {
                    any.dispose();
                }
                return w;
            }
            if (any == null) {
                any = w;
            } else {
                w.dispose();
            }
        }
        if (any == null) {
            throw new IOException("no JPEG writer available");
        }
        return any;
    }

    /** Grey or 3-byte/int RGB without alpha as is; anything else drawn onto RGB. */
    private static BufferedImage jpegCompatible(BufferedImage image) {
        int type = image.getType();
        if (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_INT_RGB
                || type == BufferedImage.TYPE_BYTE_GRAY || type == BufferedImage.TYPE_INT_BGR) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }
}
