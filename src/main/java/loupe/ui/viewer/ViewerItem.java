package loupe.ui.viewer;

import java.nio.file.Path;

/**
 * One image to show.
 *
 * @param file        the image file to read
 * @param imagePath   the image's path relative to the dataset root as the catalog has it (annotations and problems
 *                    are looked up by it), or null when the image is not in a catalog
 * @param orientation its EXIF orientation 1..8 (1 when unknown); boxes stay in the stored-pixel frame either way
 */
public record ViewerItem(Path file, String imagePath, int orientation) {

    public static ViewerItem of(Path file) {
        return new ViewerItem(file, null, 1);
    }
}
