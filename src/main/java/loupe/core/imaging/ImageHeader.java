package loupe.core.imaging;

/**
 * What an image file's header says, read without decoding pixels.
 *
 * @param width       pixels, full resolution, as stored (before any EXIF orientation is applied)
 * @param height      pixels, full resolution, as stored
 * @param format      "jpeg", "png", "gif", "bmp", "webp" or "tiff"
 * @param channels    colour channels the header states (1 grey, 2 grey+alpha, 3 colour or palette, 4 with
 *                    alpha or CMYK), or 0 when the header does not say
 * @param bitDepth    bits per channel sample (for palette images: bits per index), or 0 when not stated
 * @param orientation the EXIF/TIFF orientation tag (1 normal .. 8), or 0 when the file has none
 */
public record ImageHeader(int width, int height, String format, int channels, int bitDepth, int orientation) {

    /** A header that states only the size (channels, depth and orientation unknown). */
    public ImageHeader(int width, int height, String format) {
        this(width, height, format, 0, 0, 0);
    }

    /** True when viewers rotate or mirror the stored pixels before showing them (orientation 2..8). */
    public boolean isReoriented() {
        return orientation > 1;
    }
}
