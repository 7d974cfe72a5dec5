package loupe.core.formats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;

/**
 * A dataset to write, streamed image by image so that writers never hold all annotations in memory.
 * {@link loupe.core.index.CatalogSource} serves it from an indexed catalog; {@link #of} from a
 * {@link DatasetLoader.Result} for small datasets and tests.
 */
public interface DatasetSource {

    /** The source dataset's root (absolute), where image files are copied or linked from. */
    Path root();

    /** The classes, by id. */
    List<ClassLabel> classes();

    /** Number of images {@link #forEachImage} will visit. */
    long imageCount();

    /** Receives one image and its annotations (boxes in pixels, see {@link loupe.core.model.BoundingBox}). */
    @FunctionalInterface
    interface ImageVisitor {
        void visit(ImageItem image, List<Annotation> annotations) throws IOException;
    }

    /** Visits every image once, in path order, with all its annotations (an empty list when it has none). */
    void forEachImage(ImageVisitor visitor) throws IOException;

    /** A source over a reader's in-memory result; image sizes come from the declarations or the headers. */
    static DatasetSource of(DatasetLoader.Result result) {
        return new MemorySource(result);
    }
}
