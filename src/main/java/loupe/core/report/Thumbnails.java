package loupe.core.report;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Small JPEG thumbnails as {@code data:} URIs. The image is decoded with source subsampling, so a big image
 * is never held at full resolution: only about twice the thumbnail size is decoded, then scaled down.
 */
final class Thumbnails {

    /** Images claiming more pixels than this per side are not decoded (a bogus header, or a slide). */
    private static final int MAX_SIDE = 100_000;

    private Thumbnails() {
    }

    /**
     * A thumbnail of at most {@code maxSide} px per side, or empty when the file is missing, not an image, or
     * cannot be decoded.
     */
    static Optional<String> dataUri(Path file, int maxSide) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return Optional.empty();
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE) {
                    return Optional.empty();
                }
                int step = Math.max(1, Math.max(w, h) / (2 * maxSide));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage decoded = reader.read(0, param);
                return Optional.of("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg(scale(decoded,
                        maxSide))));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // NOTE: ImageIO's decoders throw assorted runtime exceptions on damaged data (array index, CMM
            // errors); a thumbnail is optional, so any failure just means "no thumbnail".
            return Optional.empty();
        }
    }

    private static BufferedImage scale(BufferedImage src, int maxSide) {
        double s = Math.min(1.0, (double) maxSide / Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * s));
        int h = Math.max(1, (int) Math.round(src.getHeight() * s));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "jpeg", bytes)) {
            throw new IOException("no JPEG writer");
        }
        return bytes.toByteArray();
    }
}
