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

    /**
     * How many annotations have a box, and how many of those also have polygons. Writers that must choose a
     * layout up front (YOLO: detection or segmentation lines) ask before streaming.
     */
    record ShapeCounts(long withBox, long withBoxAndPolygons) {
    }

    /** Counts by visiting every image; sources that can count faster override it. */
    default ShapeCounts shapeCounts() throws IOException {
        long[] counts = new long[2];
        forEachImage((image, annotations) -> {
            for (Annotation a : annotations) {
                if (a.box() != null) {
                    counts[0]++;
                    if (!a.polygons().isEmpty()) {
                        counts[1]++;
                    }
                }
            }
        });
        return new ShapeCounts(counts[0], counts[1]);
    }

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
