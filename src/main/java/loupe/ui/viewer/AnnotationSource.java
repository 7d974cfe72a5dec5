package loupe.ui.viewer;

import java.io.IOException;

/** Loads the annotations and problems of one image. Called off the FX thread. */
@FunctionalInterface
public interface AnnotationSource {

    /** @param imagePath the image's catalog path (relative to the dataset root, '/' separators) */
    ImageAnnotations load(String imagePath) throws IOException;

    /** A source that knows no annotations. */
    static AnnotationSource none() {
        return path -> ImageAnnotations.EMPTY;
    }
}
