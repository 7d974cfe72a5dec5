package loupe.core.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.NodeList;

import loupe.core.thumbs.ThumbnailService;

class ScaledJpegDecoderTest {

    /*
     * Thresholds: PSNR against ImageIO's full decode averaged over each r x r cell (both as BGR bytes). Measured on
     * these pictures (gradients, shapes with sharp edges, text, +-4 levels of noise):
     * - without chroma subsampling (grey, 4:4:4) 1/1 is within IDCT rounding of libjpeg (62-77 dB), and the reduced
     *   scales, which take each block's low frequencies instead of a box average of its pixels, 35-69 dB;
     * - with 4:2:0 / 4:2:2, chroma is repeated here where libjpeg interpolates it: 640 x 480 gave 42-47 dB at 1/1
     *   and 33-44 dB reduced, the 2,000 generated benchmark photos (noisy backgrounds) over 37 dB at 1/1, 30 dB at
     *   1/2 and 26 dB at 1/8; tiny pictures (17 x 33 of edges and text, 1 x 1) 22-30 dB, as a 3 x 5 image with
     *   2 x 3 chroma samples must.
     * A wrong coefficient order, quantizer, Huffman table or colour formula measured under 15 dB.
     */
    private static final double EXACT_DB = 55;
    private static final double REDUCED_DB = 33;
    private static final double SUBSAMPLED_FULL_DB = 40;
    private static final double SUBSAMPLED_REDUCED_DB = 30;
    private static final double TINY_DB = 20;

    @TempDir
    Path dir;

    @Test
    void decodesEachSamplingAndScaleCloseToImageIoAveragedDown() throws IOException {
        int[][] sizes = {{640, 480}, {17, 33}, {1, 1}, {123, 77}};
        String[] samplings = {"4:2:0", "4:2:2", "4:4:4"};
        float[] qualities = {0.5f, 0.75f, 0.95f};
        for (int[] size : sizes) {
            for (String sampling : samplings) {
                for (float quality : qualities) {
                    byte[] jpeg = encode(picture(size[0], size[1], false), quality, sampling, 0, false);
                    boolean tiny = size[0] < 200;
                    boolean exact = sampling.equals("4:4:4");
                    checkEveryScale(jpeg, size[0] + "x" + size[1] + " " + sampling + " q" + quality,
                            exact ? EXACT_DB : tiny ? TINY_DB : SUBSAMPLED_FULL_DB,
                            tiny ? TINY_DB : exact ? REDUCED_DB : SUBSAMPLED_REDUCED_DB);
                }
            }
        }
    }

    @Test
    void decodesGreyImages() throws IOException {
        for (int[] size : new int[][] {{300, 200}, {17, 33}, {1, 1}}) {
            byte[] jpeg = encode(picture(size[0], size[1], true), 0.8f, null, 0, false);
            checkEveryScale(jpeg, "grey " + size[0] + "x" + size[1], EXACT_DB, REDUCED_DB);
            BufferedImage image = ScaledJpegDecoder.decodeReduced(jpeg, jpeg.length, 1);
            int rgb = image.getRGB(size[0] / 2, size[1] / 2);
            assertEquals((rgb >> 16) & 0xff, rgb & 0xff, "grey comes out with equal R, G and B");
        }
    }

    @Test
    void followsRestartMarkers() throws IOException {
        for (int interval : new int[] {1, 3, 7}) {
            byte[] jpeg = encode(picture(640, 480, false), 0.8f, "4:2:0", interval, false);
            assertTrue(indexOf(jpeg, (byte) 0xFF, (byte) 0xD0) > 0, "the file has RST markers");
            checkEveryScale(jpeg, "restart interval " + interval, SUBSAMPLED_FULL_DB, SUBSAMPLED_REDUCED_DB);
        }
        byte[] grey = encode(picture(70, 90, true), 0.8f, null, 2, false);
        checkEveryScale(grey, "grey with restarts", EXACT_DB, REDUCED_DB);
    }

    @Test
    void leavesProgressiveAndCmykFilesToImageIo() throws IOException {
        byte[] progressive = encode(picture(200, 100, false), 0.8f, null, 0, true);
        assertNull(ScaledJpegDecoder.decode(progressive, progressive.length, 256));

        WritableRaster cmyk = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 40, 30, 4, null);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                cmyk.setPixel(x, y, new int[] {x * 6, y * 8, 100, 20});
            }
        }
        ImageWriter writer = jdkWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        byte[] fourComponents = bytes.toByteArray();
        assertEquals(4, fourComponents[indexOf(fourComponents, (byte) 0xFF, (byte) 0xC0) + 9], "a 4-component file");
        assertNull(ScaledJpegDecoder.decode(fourComponents, fourComponents.length, 256));

        assertNull(ScaledJpegDecoder.decode(new byte[] {1, 2, 3, 4, 5}, 5, 256), "not a JPEG");
    }

    @Test
    void makesThumbnailsOfFilesItLeavesToImageIo() throws IOException {
        Path progressive = dir.resolve("progressive.jpg");
        Files.write(progressive, encode(picture(512, 256, false), 0.8f, null, 0, true));
        BufferedImage thumbnail = new ThumbnailService(dir.resolve("cache"), 256).generate(progressive);
        assertEquals(256, thumbnail.getWidth());
        assertEquals(128, thumbnail.getHeight());
    }

    @Test
    void makesTheSameThumbnailAsImageIoWithinTheTolerance() throws IOException {
        // Big enough (over 128 KB, 8 times the thumbnail) for ThumbnailService to use this decoder at 1/8.
        Path file = dir.resolve("photo.jpg");
        byte[] jpeg = encode(picture(2400, 1800, false), 0.85f, "4:2:0", 0, false);
        assertTrue(jpeg.length > 128 * 1024);
        assertEquals(8, ScaledJpegDecoder.reduction(2400, 1800, 256));
        assertNull(ScaledJpegDecoder.decode(jpeg, jpeg.length, 1024, 8), "1/8 would be too small for 1024 px");
        Files.write(file, jpeg);
        BufferedImage thumbnail = new ThumbnailService(dir.resolve("cache"), 256).generate(file);
        assertEquals(256, thumbnail.getWidth());
        assertEquals(192, thumbnail.getHeight());
        BufferedImage full = asBgr(ImageIO.read(new ByteArrayInputStream(jpeg)));
        // The thumbnail is 9.4:1; compare it with the full decode averaged over the same (uneven) cells.
        double db = psnrAgainstCells(thumbnail, full);
        assertTrue(db > SUBSAMPLED_REDUCED_DB, "thumbnail vs ImageIO: " + db + " dB");
    }

    @Test
    void refusesDamagedFilesWithoutThrowingOrHanging() throws IOException {
        byte[] jpeg = encode(picture(320, 240, false), 0.8f, "4:2:0", 0, false);
        byte[] restarts = encode(picture(320, 240, false), 0.8f, "4:2:0", 4, false);
        Random random = new Random(7);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (byte[] source : new byte[][] {jpeg, restarts}) {
                for (int cut = 0; cut < source.length - 1; cut += Math.max(1, source.length / 97)) {
                    // Truncated: refused (ImageIO then decides), never a half-decoded image passed off as whole.
                    for (int r : new int[] {1, 2, 8}) {
                        assertNull(ScaledJpegDecoder.decodeReduced(Arrays.copyOf(source, cut), cut, r),
                                "cut at " + cut + " of " + source.length);
                    }
                }
                for (int i = 0; i < 300; i++) {
                    byte[] damaged = source.clone();
                    for (int j = 0; j < 1 + random.nextInt(4); j++) {
                        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                    }
                    BufferedImage image = ScaledJpegDecoder.decodeReduced(damaged, damaged.length, 1 << random.nextInt(4));
                    if (image != null) {
                        assertTrue(image.getWidth() > 0 && image.getHeight() > 0);
                    }
                }
            }
        });
    }

    @Test
    void picksTheSmallestScaleThatStillCoversTheThumbnail() {
        assertEquals(2, ScaledJpegDecoder.reduction(640, 480, 256), "320 x 240 covers 256 x 192");
        assertEquals(1, ScaledJpegDecoder.reduction(480, 480, 256), "240 x 240 would not cover 256 x 256");
        assertEquals(2, ScaledJpegDecoder.reduction(544, 579, 256), "272 x 290 covers 241 x 256");
        assertEquals(8, ScaledJpegDecoder.reduction(4000, 3000, 256));
        assertEquals(8, ScaledJpegDecoder.reduction(2048, 1536, 256), "exactly 256 x 192");
        assertEquals(4, ScaledJpegDecoder.reduction(2040, 1530, 256), "255 x 192 would be a pixel short");
        assertEquals(1, ScaledJpegDecoder.reduction(100, 50, 256), "small images are kept at their size");
        assertEquals(8, ScaledJpegDecoder.reduction(1, 1, 256));

        byte[] jpeg;
        try {
            jpeg = encode(picture(640, 480, false), 0.8f, "4:2:0", 0, false);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        BufferedImage image = ScaledJpegDecoder.decode(jpeg, jpeg.length, 256);
        assertEquals(320, image.getWidth());
        assertEquals(240, image.getHeight());
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, image.getType());
    }

    // --- helpers

    private static void checkEveryScale(byte[] jpeg, String what, double fullDb, double reducedDb)
            throws IOException {
        BufferedImage full = asBgr(ImageIO.read(new ByteArrayInputStream(jpeg)));
        for (int r : new int[] {1, 2, 4, 8}) {
            BufferedImage image = ScaledJpegDecoder.decodeReduced(jpeg, jpeg.length, r);
            assertNotNull(image, what + " at 1/" + r);
            assertEquals((full.getWidth() + r - 1) / r, image.getWidth(), what + " width at 1/" + r);
            assertEquals((full.getHeight() + r - 1) / r, image.getHeight(), what + " height at 1/" + r);
            double db = psnr(image, full, r);
            double min = r == 1 ? fullDb : reducedDb;
            assertTrue(db > min, what + " at 1/" + r + ": " + db + " dB");
        }
    }

    /**
     * {@code image} drawn on a BGR image, as ThumbnailService does: grey values are copied (getRGB on a grey image
     * would apply a gamma curve, which no thumbnail does).
     */
    private static BufferedImage asBgr(BufferedImage image) {
        assertNotNull(image);
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bgr.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return bgr;
    }

    /** PSNR of {@code image} against {@code full} averaged over r x r cells (cut at the edges). */
    private static double psnr(BufferedImage image, BufferedImage full, int r) {
        double sum = 0;
        long count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                double[] mean = mean(full, x * r, y * r, Math.min(full.getWidth(), (x + 1) * r),
                        Math.min(full.getHeight(), (y + 1) * r));
                int rgb = image.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    double d = mean[c] - ((rgb >> (16 - 8 * c)) & 0xff);
                    sum += d * d;
                    count++;
                }
            }
        }
        return decibels(sum / count);
    }

    /** PSNR of a thumbnail against {@code full} averaged over the cells ThumbnailService.scale uses. */
    private static double psnrAgainstCells(BufferedImage thumb, BufferedImage full) {
        double sum = 0;
        long count = 0;
        int w = full.getWidth();
        int h = full.getHeight();
        int tw = thumb.getWidth();
        int th = thumb.getHeight();
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                double[] mean = mean(full, (int) ((long) x * w / tw), (int) ((long) y * h / th),
                        (int) ((long) (x + 1) * w / tw), (int) ((long) (y + 1) * h / th));
                int rgb = thumb.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    double d = mean[c] - ((rgb >> (16 - 8 * c)) & 0xff);
                    sum += d * d;
                    count++;
                }
            }
        }
        return decibels(sum / count);
    }

    private static double[] mean(BufferedImage image, int x0, int y0, int x1, int y1) {
        double[] m = new double[3];
        int n = 0;
        for (int y = y0; y < Math.max(y1, y0 + 1); y++) {
            for (int x = x0; x < Math.max(x1, x0 + 1); x++) {
                int rgb = image.getRGB(x, y);
                m[0] += (rgb >> 16) & 0xff;
                m[1] += (rgb >> 8) & 0xff;
                m[2] += rgb & 0xff;
                n++;
            }
        }
        for (int c = 0; c < 3; c++) {
            m[c] /= n;
        }
        return m;
    }

    private static double decibels(double mse) {
        return mse == 0 ? 99 : 10 * Math.log10(255 * 255 / mse);
    }

    /** A photo-like picture: gradients, filled shapes with edges, text and a little noise. */
    private static BufferedImage picture(int w, int h, boolean grey) {
        BufferedImage image = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(30, 90, 200), w, h, new Color(240, 200, 60)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(200, 40, 60));
        g.fillOval(w / 5, h / 4, w / 2, h / 2);
        g.setColor(new Color(40, 160, 80));
        g.fillRect(w / 2, h / 8, w / 3, h / 3);
        g.setColor(Color.WHITE);
        g.drawString("Loupe", w / 10, h - h / 10);
        g.dispose();
        Random random = new Random(w * 31L + h);
        WritableRaster raster = image.getRaster();
        int[] pixel = new int[raster.getNumBands()];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, pixel);
                for (int b = 0; b < pixel.length; b++) {
                    pixel[b] = Math.max(0, Math.min(255, pixel[b] + random.nextInt(9) - 4));
                }
                raster.setPixel(x, y, pixel);
            }
        }
        return image;
    }

    private static ImageWriter jdkWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        while (writers.hasNext()) {
            ImageWriter w = writers.next();
            if (w.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg")) {
                return w;
            }
        }
        throw new IllegalStateException("no JDK JPEG writer");
    }

    /**
     * Encodes with the JDK's writer: {@code sampling} (null for its default, 4:2:0 for colour) set in the frame's
     * component specs of the native metadata, a restart interval (0 for none) as a DRI marker, or progressive.
     */
    private static byte[] encode(BufferedImage image, float quality, String sampling, int restartInterval,
            boolean progressive) throws IOException {
        ImageWriter writer = jdkWriter();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
            String format = "javax_imageio_jpeg_image_1.0";
            IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
            IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
            if (sampling != null) {
                int h = sampling.equals("4:4:4") ? 1 : 2;
                int v = sampling.equals("4:2:0") ? 2 : 1;
                NodeList specs = markers.getElementsByTagName("componentSpec");
                for (int i = 0; i < specs.getLength(); i++) {
                    IIOMetadataNode spec = (IIOMetadataNode) specs.item(i);
                    spec.setAttribute("HsamplingFactor", i == 0 ? String.valueOf(h) : "1");
                    spec.setAttribute("VsamplingFactor", i == 0 ? String.valueOf(v) : "1");
                }
            }
            if (restartInterval > 0) {
                IIOMetadataNode dri = new IIOMetadataNode("dri");
                dri.setAttribute("interval", String.valueOf(restartInterval));
                markers.insertBefore(dri, markers.getElementsByTagName("sos").item(0));
            }
            metadata.setFromTree(format, root);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, metadata), param);
            }
            byte[] jpeg = bytes.toByteArray();
            if (sampling != null) {
                int sof = indexOf(jpeg, (byte) 0xFF, (byte) 0xC0);
                int expected = (sampling.equals("4:4:4") ? 0x11 : sampling.equals("4:2:2") ? 0x21 : 0x22);
                assertEquals(expected, jpeg[sof + 11] & 0xff, "the luma sampling written is " + sampling);
            }
            return jpeg;
        } finally {
            writer.dispose();
        }
    }

    private static int indexOf(byte[] data, byte a, byte b) {
        for (int i = 0; i + 1 < data.length; i++) {
            if (data[i] == a && data[i + 1] == b) {
                return i;
            }
        }
        return -1;
    }
}
