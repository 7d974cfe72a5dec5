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
        // Encoded in memory and written with one call: the file stream would write the encoder's small chunks
        // one system call each.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(1 << 18);
        try (ImageOutputStream out = new javax.imageio.stream.MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            writer.dispose();
        }
        try (java.io.OutputStream file0 = Files.newOutputStream(file)) {
            bytes.writeTo(file0);
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
        if (type == BufferedImage.TYPE_CUSTOM && isInterleavedRgb(image)) {
            return image;
        }
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

    /** Interleaved 8-bit R, G, B without alpha (what tiled JPEG TIFF regions come as): the encoder's fast layout. */
    private static boolean isInterleavedRgb(BufferedImage image) {
        java.awt.image.ColorModel cm = image.getColorModel();
        java.awt.image.SampleModel sm = image.getSampleModel();
        return cm instanceof java.awt.image.ComponentColorModel && !cm.hasAlpha() && cm.getNumComponents() == 3
                && cm.getColorSpace().isCS_sRGB() && sm instanceof java.awt.image.PixelInterleavedSampleModel p
                && p.getDataType() == java.awt.image.DataBuffer.TYPE_BYTE
                && java.util.Arrays.equals(p.getBandOffsets(), new int[] {0, 1, 2}) && p.getPixelStride() == 3;
    }
}
