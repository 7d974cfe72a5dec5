package loupe.core.imaging;

/**
 * What an image file's header says, read without decoding pixels.
 *
 * @param width  pixels, full resolution
 * @param height pixels, full resolution
 * @param format "jpeg", "png", "gif", "bmp", "webp" or "tiff"
 */
public record ImageHeader(int width, int height, String format) {
}
