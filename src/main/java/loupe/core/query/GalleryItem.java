package loupe.core.query;

import java.util.List;

import loupe.core.model.BoundingBox;

/**
 * One image of a gallery selection, as the gallery draws it.
 *
 * @param index    position in the selection, 0-based, in path order
 * @param path     relative to the dataset root, '/' separators
 * @param split    the split, or null
 * @param width    width in pixels (header, else declared), 0 when unknown
 * @param height   height in pixels, as width
 * @param orientation the EXIF orientation from the image's header, 1..8; 0 when it has none or is unknown. Width,
 *                 height and boxes are in the stored-pixel frame whatever it is
 * @param size     file size in bytes, 0 when the file is missing
 * @param mtime    file modification time in milliseconds, 0 when missing
 * @param present  false when the annotations list the image but its file does not exist
 * @param boxCount annotations with a box
 * @param problems problems of warning or error severity about this image
 * @param boxes    its boxes (at most {@link GalleryQuery#MAX_BOXES_PER_ITEM}), in image pixels
 */
public record GalleryItem(long index, String path, String split, int width, int height, int orientation, long size,
                          long mtime, boolean present, int boxCount, int problems, List<Box> boxes) {

    public GalleryItem {
        boxes = List.copyOf(boxes);
    }

    /** A box with its class id, in full-resolution image pixels (see {@link BoundingBox}). */
    public record Box(int classId, BoundingBox box) {
    }

    /** The file name, without folders. */
    public String fileName() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
