package loupe.core.audit;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The 64-bit difference hash (dHash) of an image: the picture shrunk to 9x8 grey cells, one bit per pair of
 * horizontal neighbours (1 when the left cell is brighter). Re-encoded, recompressed or resized copies get the
 * same or a close hash (a few bits differ); different pictures differ in about half the bits.
 *
 * <p>The image is decoded with ImageIO's source subsampling, so a big image is read at a fraction of its
 * pixels (at least about 72x64 of them are kept), then averaged into the cells. Grey, palette and RGB images
 * go through the normal path; images ImageIO cannot turn into RGB (CMYK JPEG) are read as a raw raster whose
 * bands are averaged. Thread-safe (no state).
 */
public final class DHash {

    private static final int COLS = 9;
    private static final int ROWS = 8;
    /** Samples kept per cell side, at least, when subsampling. */
    private static final int SAMPLES_PER_CELL = 16;

    private DHash() {
    }

    /**
     * The dHash of an image file.
     *
     * @throws IOException when the file cannot be read or decoded (the message says why)
     */
    public static long of(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("cannot open " + file.getFileName());
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("no image decoder for this file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                int step = Math.max(1, Math.min(width / (COLS * SAMPLES_PER_CELL), height / (ROWS * SAMPLES_PER_CELL)));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(step, step, 0, 0);
                double[][] grey;
                try {
                    grey = cells(reader.read(0, param));
                } catch (javax.imageio.IIOException e) {
                    // CMYK/YCCK JPEGs and odd colour spaces: no RGB conversion, but the raster is readable.
                    if (!reader.canReadRaster()) {
                        throw e;
                    }
                    grey = cells(reader.readRaster(0, param));
                }
                return hash(grey);
            } catch (RuntimeException e) {
                throw new IOException("cannot decode: " + e, e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** The dHash of an image already in memory. */
    public static long of(BufferedImage image) {
        return hash(cells(image));
    }

    /** Number of bits in which two hashes differ. */
    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }

    private static long hash(double[][] grey) {
        long bits = 0;
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS - 1; c++) {
                bits = (bits << 1) | (grey[r][c] > grey[r][c + 1] ? 1 : 0);
            }
        }
        return bits;
    }

    /** Mean luminance per cell, each pixel counted in the cell its centre falls in. */
    private static double[][] cells(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        double[][] sum = new double[ROWS][COLS];
        int[][] count = new int[ROWS][COLS];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int r = (int) ((y + 0.5) * ROWS / h);
            for (int x = 0; x < w; x++) {
                int c = (int) ((x + 0.5) * COLS / w);
                int p = row[x];
                sum[r][c] += 0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
                count[r][c]++;
            }
        }
        return means(sum, count);
    }

    private static double[][] cells(Raster raster) {
        int w = raster.getWidth(), h = raster.getHeight(), bands = raster.getNumBands();
        double[][] sum = new double[ROWS][COLS];
        int[][] count = new int[ROWS][COLS];
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            int r = (int) ((y + 0.5) * ROWS / h);
            for (int x = 0; x < w; x++) {
                int c = (int) ((x + 0.5) * COLS / w);
                double v = 0;
                for (int b = 0; b < bands; b++) {
                    v += row[x * bands + b];
                }
                sum[r][c] += v / bands;
                count[r][c]++;
            }
        }
        return means(sum, count);
    }

    private static double[][] means(double[][] sum, int[][] count) {
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                sum[r][c] = count[r][c] == 0 ? 0 : sum[r][c] / count[r][c];
            }
        }
        return sum;
    }
}
