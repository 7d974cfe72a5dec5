package loupe.ui.app;

import java.util.List;

import loupe.core.index.IndexResult;
import loupe.core.stats.DatasetStats;

/**
 * What the main window shows of an indexed dataset, read from its catalog in the background.
 *
 * @param result       what the index run did (counts, format, timing)
 * @param images       the first images by path, at most the job's row limit
 * @param imageCount   all images in the catalog (may be more than {@code images.size()})
 * @param classes      every class with its annotation and image counts, by id
 * @param problems     the most severe problems, at most the job's problem limit
 * @param problemCount all problems in the catalog
 */
public record DatasetOverview(IndexResult result, List<ImageRow> images, long imageCount,
                              List<DatasetStats.ClassCount> classes, List<DatasetStats.ProblemEntry> problems,
                              long problemCount) {

    public DatasetOverview {
        images = List.copyOf(images);
        classes = List.copyOf(classes);
        problems = List.copyOf(problems);
    }

    /**
     * One row of the image table.
     *
     * @param split  the split from the dataset's layout, or null
     * @param width  width in pixels from the image header (or the annotations when the file is missing), 0 unknown
     * @param height height in pixels, as width
     * @param format  the image file's format ("jpeg", "png" ...), or null when it is missing or could not be read
     * @param present false when the annotations list the image but the file does not exist
     */
    public record ImageRow(String path, String split, int width, int height, String format, boolean present) {
    }
}
