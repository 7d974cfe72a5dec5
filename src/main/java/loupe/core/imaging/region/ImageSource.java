package loupe.core.imaging.region;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One open image file from which rectangles are read at any resolution without decoding the whole image (modelled
 * on QuPath's {@code ImageServer}). {@link ImageSources#open} gives one.
 *
 * <p><b>Coordinates.</b> Every position and size is in pixels of the full-resolution image (level 0), origin at the
 * top-left corner, x to the right and y down, the space of {@link loupe.core.model.BoundingBox}. Pixels are as
 * stored in the file: an EXIF orientation is not applied.
 *
 * <p><b>What is decoded.</b> A read picks the smallest pyramid level that still has at least the requested
 * resolution and decodes only the rectangle it needs there ({@code ImageReadParam.setSourceRegion}). For a tiled
 * TIFF that means only the tiles the rectangle touches. For a baseline (non-tiled) JPEG or PNG the decoders still
 * run through every row above the rectangle's bottom edge, keeping only the rectangle: memory stays bounded by the
 * region, but time grows with how far down the region lies. Heap use of a read is the region at the chosen level
 * (bounded by subsampling when that would exceed about 64 MB) plus the result.
 *
 * <p><b>Thread-safety.</b> Implementations are thread-safe. ImageIO readers are not, so a source keeps a small pool
 * of readers, each with its own stream on the file; concurrent reads use different readers and block while all are
 * busy. {@link #close} may be called while reads run: they finish and their readers are then disposed.
 */
public interface ImageSource extends AutoCloseable {

    /** A stable identifier of the file (its absolute path), used in {@link TileKey}s. */
    String id();

    /** The file read. */
    Path path();

    /** The image format name the reader reports ("tif", "JPEG", "png", ...). */
    String format();

    /** Full-resolution width in pixels. */
    default int width() {
        return levels().get(0).width();
    }

    /** Full-resolution height in pixels. */
    default int height() {
        return levels().get(0).height();
    }

    /** The pyramid levels, level 0 (full resolution) first, then by increasing downsample; never empty. */
    List<PyramidLevel> levels();

    /** The levels' downsamples, level 0 first (always 1.0). */
    default double[] downsamples() {
        return levels().stream().mapToDouble(PyramidLevel::downsample).toArray();
    }

    /**
     * Reads a rectangle at a resolution (see the class comment for what is decoded).
     *
     * @return a new image of {@code request.outputWidth() x request.outputHeight()} pixels that the caller owns; its
     *         type may be {@code TYPE_CUSTOM} (tiled JPEG TIFFs give interleaved R, G, B bytes, the layout the JPEG
     *         codecs copy fastest), so read pixels through its raster or {@code getRGB}, not by assuming a type
     * @throws IllegalArgumentException when the rectangle does not lie inside the image
     * @throws IOException              when the file cannot be read or decoded; {@link java.io.InterruptedIOException}
     *                                  when the thread is interrupted while waiting for a reader
     */
    BufferedImage readRegion(RegionRequest request) throws IOException;

    /**
     * Reads one tile of a level's grid ({@link PyramidLevel#tileWidth()} x {@link PyramidLevel#tileHeight()}; tiles
     * on the right and bottom edges are smaller), at that level's resolution.
     *
     * @throws IllegalArgumentException when the level, column or row is out of range
     */
    BufferedImage readTile(int level, int column, int row) throws IOException;

    /**
     * A small picture of the whole image whose longer side is at most {@code maxSide} pixels, read from the smallest
     * pyramid level that is big enough. Without a pyramid this decodes the whole file once (with subsampling, so
     * memory stays small); callers should cache it.
     */
    default BufferedImage thumbnail(int maxSide) throws IOException {
        double downsample = Math.max(1, Math.max(width(), height()) / (double) maxSide);
        return readRegion(new RegionRequest(downsample, 0, 0, width(), height()));
    }

    /** Closes the file; reads that are running finish first. Further reads throw {@link IllegalStateException}. */
    @Override
    void close() throws IOException;
}
