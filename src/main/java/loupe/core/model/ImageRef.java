package loupe.core.model;

/**
 * An image as a format declares it, before the indexer has looked at the file.
 *
 * @param path           relative to the dataset root, '/' separators, never starting with '/' or containing '..'
 * @param split          the split the layout puts it in ("train", "val", ...), or null when the layout has none
 * @param declaredWidth  the width the annotation file states (COCO, VOC), or 0 when it states none
 * @param declaredHeight the height the annotation file states, or 0 when it states none
 */
public record ImageRef(String path, String split, int declaredWidth, int declaredHeight) {

    public static ImageRef of(String path, String split) {
        return new ImageRef(path, split, 0, 0);
    }
}
