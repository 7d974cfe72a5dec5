package loupe.core.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NativeJpegTest {

    /*
     * PSNR of the native decode against ImageIO's full decode averaged over each d x d cell (as BGR bytes). At 1/1
     * both are libjpeg with the same IDCT and upsampling: identical here (reported as 99 dB). Reduced, libjpeg's
     * scaled IDCT keeps each block's low frequencies instead of box-averaging its pixels: 49-52 dB in colour and
     * 60-69 dB in grey on these pictures (gradient, sharp-edged shapes).
     */
    private static final double SAME_SIZE_DB = 60;
    private static final double REDUCED_DB = 40;

    /**
     * Where the build could compile the shim (Linux, gcc, libjpeg headers and library), it must have: a build
     * that silently dropped it would only make thumbnails slower, which no other test notices.
     */
    @Test
    void isLoadedWhereverTheBuildCanCompileIt() {
        boolean buildable = System.getProperty("os.name", "").toLowerCase().contains("linux")
                && Files.isRegularFile(Path.of("/usr/include/jpeglib.h"))
                && (Files.isExecutable(Path.of("/usr/bin/gcc")) || Files.isExecutable(Path.of("/usr/local/bin/gcc")))
                && Boolean.parseBoolean(System.getProperty("loupe.nativeJpeg", "true"));
        assumeTrue(buildable, "no gcc / libjpeg headers here: the native decoder is optional");
        assertTrue(NativeJpeg.available(), "built for " + NativeJpeg.resourcePath() + " but not loaded");
    }

    @BeforeEach
    void needsTheLibrary() {
        assumeTrue(NativeJpeg.available(), "native JPEG decoder not available on this machine");
    }

    @Test
    void decodesAtTheSmallestScaleStillCoveringTheRequestedSide() throws IOException {
        byte[] jpeg = encode(picture(640, 480, false));
        assertSize(320, 240, NativeJpeg.decode(jpeg, jpeg.length, 256, Long.MAX_VALUE));
        assertSize(160, 120, NativeJpeg.decode(jpeg, jpeg.length, 160, Long.MAX_VALUE));
        assertSize(80, 60, NativeJpeg.decode(jpeg, jpeg.length, 1, Long.MAX_VALUE)); // never below 1/8
        assertSize(640, 480, NativeJpeg.decode(jpeg, jpeg.length, 321, Long.MAX_VALUE));
        byte[] portrait = encode(picture(301, 1203, false));
        // 1203 / 4 rounds up to 301 >= 256; 1/8 would give 151.
        assertSize(76, 301, NativeJpeg.decode(portrait, portrait.length, 256, Long.MAX_VALUE));
    }

    @Test
    void pixelsMatchImageIoAveragedToTheSameScale() throws IOException {
        for (boolean grey : new boolean[] {false, true}) {
            BufferedImage source = picture(640, 480, grey);
            byte[] jpeg = encode(source);
            BufferedImage reference = ImageIO.read(new ByteArrayInputStream(jpeg));
            for (int denom : new int[] {1, 2, 4, 8}) {
                BufferedImage decoded = NativeJpeg.decode(jpeg, jpeg.length, 640 / denom, Long.MAX_VALUE);
                assertNotNull(decoded);
                assertEquals(BufferedImage.TYPE_3BYTE_BGR, decoded.getType());
                assertSize(640 / denom, 480 / denom, decoded);
                double db = psnr(averaged(reference, denom), decoded);
                assertTrue(db >= (denom == 1 ? SAME_SIZE_DB : REDUCED_DB),
                        (grey ? "grey" : "colour") + " 1/" + denom + ": " + db + " dB");
            }
        }
    }

    @Test
    void declinesDamagedTruncatedAndOversizedFilesSoImageIoReportsThem() throws IOException {
        byte[] jpeg = encode(picture(640, 480, false));
        assertNull(NativeJpeg.decode(jpeg, jpeg.length / 2, 256, Long.MAX_VALUE), "truncated");
        byte[] garbage = Arrays.copyOf(jpeg, jpeg.length);
        Arrays.fill(garbage, 3, 300, (byte) 0x55); // tables and frame header destroyed
        assertNull(NativeJpeg.decode(garbage, garbage.length, 256, Long.MAX_VALUE), "damaged header");
        byte[] notJpeg = "not a jpeg at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertNull(NativeJpeg.decode(notJpeg, notJpeg.length, 256, Long.MAX_VALUE), "not a JPEG");
        assertNull(NativeJpeg.decode(jpeg, jpeg.length + 1, 256, Long.MAX_VALUE), "length beyond the array");
        assertNull(NativeJpeg.decode(jpeg, 0, 256, Long.MAX_VALUE), "empty");
        assertNull(NativeJpeg.decode(jpeg, jpeg.length, 640, 640L * 480 - 1), "over the pixel limit");
        assertNotNull(NativeJpeg.decode(jpeg, jpeg.length, 640, 640L * 480), "at the pixel limit");
    }

    @Test
    void decodesFromSeveralThreadsAtOnce() throws Exception {
        byte[] jpeg = encode(picture(640, 480, false));
        BufferedImage expected = NativeJpeg.decode(jpeg, jpeg.length, 256, Long.MAX_VALUE);
        byte[] expectedPixels = ((DataBufferByte) expected.getRaster().getDataBuffer()).getData();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var results = new java.util.ArrayList<java.util.concurrent.Future<byte[]>>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> ((DataBufferByte) NativeJpeg.decode(jpeg, jpeg.length, 256,
                        Long.MAX_VALUE).getRaster().getDataBuffer()).getData()));
            }
            for (var result : results) {
                assertTrue(Arrays.equals(expectedPixels, result.get()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertSize(int width, int height, BufferedImage image) {
        assertNotNull(image);
        assertEquals(width + "x" + height, image.getWidth() + "x" + image.getHeight());
    }

    static BufferedImage picture(int width, int height, boolean grey) {
        BufferedImage image = new BufferedImage(width, height,
                grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, new Color(20, 60, 200), width, height, new Color(240, 200, 40)));
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(200, 30, 30));
            g.fillOval(width / 5, height / 5, width / 3, height / 3);
            g.setColor(Color.WHITE);
            g.fillRect(width / 2, height / 2, width / 4, height / 6);
        } finally {
            g.dispose();
        }
        return image;
    }

    static byte[] encode(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "jpeg", out));
        return out.toByteArray();
    }

    /** {@code image} (RGB or grey) as BGR bytes averaged over each d x d cell. */
    private static int[] averaged(BufferedImage image, int d) {
        int w = image.getWidth() / d;
        int h = image.getHeight() / d;
        int[] out = new int[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int b = 0;
                int g = 0;
                int r = 0;
                for (int sy = y * d; sy < y * d + d; sy++) {
                    for (int sx = x * d; sx < x * d + d; sx++) {
                        // Grey pixels from the raster: getRGB would treat them as linear and brighten them.
                        int rgb = image.getType() == BufferedImage.TYPE_BYTE_GRAY
                                ? image.getRaster().getSample(sx, sy, 0) * 0x010101 : image.getRGB(sx, sy);
                        r += (rgb >> 16) & 0xff;
                        g += (rgb >> 8) & 0xff;
                        b += rgb & 0xff;
                    }
                }
                int i = (y * w + x) * 3;
                out[i] = b / (d * d);
                out[i + 1] = g / (d * d);
                out[i + 2] = r / (d * d);
            }
        }
        return out;
    }

    private static double psnr(int[] expected, BufferedImage actual) {
        byte[] bgr = ((DataBufferByte) actual.getRaster().getDataBuffer()).getData();
        assertEquals(expected.length, bgr.length);
        double sum = 0;
        for (int i = 0; i < bgr.length; i++) {
            double diff = expected[i] - (bgr[i] & 0xff);
            sum += diff * diff;
        }
        double mse = sum / bgr.length;
        return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
