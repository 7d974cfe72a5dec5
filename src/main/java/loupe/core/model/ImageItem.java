package loupe.core.model;

/**
 * An indexed image.
 *
 * @param path        relative to the dataset root, '/' separators
 * @param sizeBytes   file size, or -1 when the file is missing
 * @param mtimeMillis last modification time in epoch milliseconds, or -1 when missing
 * @param width       pixel width from the file header (or as declared when the header is unreadable), 0 if unknown
 * @param height      pixel height, same rules as width
 * @param format      image format from the header ("jpeg", "png", ...), or null when unknown
 * @param split       split name, or null when the layout has none
 */
public record ImageItem(String path, long sizeBytes, long mtimeMillis, int width, int height, String format,
                        String split) {
}
