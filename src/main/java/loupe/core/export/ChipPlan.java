package loupe.core.export;

import java.io.IOException;
import java.util.List;

import loupe.core.formats.DatasetSource;
import loupe.core.model.Annotation;
import loupe.core.model.ImageItem;
import loupe.core.task.Progress;

/**
 * Counts from a first pass over the dataset (geometry only, no pixels read): how many chips will have annotations,
 * how many will not, and so how many empty chips the empty-ratio cap keeps. The second pass chooses which.
 *
 * @param nonEmptyChips     chips with at least one kept annotation
 * @param emptyChips        chips without
 * @param emptyToKeep       empty chips to write ({@code emptyChips} when not capped)
 * @param capsEmpty         whether the cap applies
 * @param boxes             annotations with a box that will be written
 * @param boxesWithPolygons of those, the ones with polygons
 */
record ChipPlan(long nonEmptyChips, long emptyChips, long emptyToKeep, boolean capsEmpty, long boxes,
                long boxesWithPolygons) {

    long chipsToWrite() {
        return nonEmptyChips + emptyToKeep;
    }

    /** A planner of one image's chips (see {@link ChipSource#plan}). */
    @FunctionalInterface
    interface Planner {
        List<ChipGeometry.Planned> plan(ImageItem image, List<Annotation> annotations);
    }

    static ChipPlan compute(DatasetSource dataset, Planner planner, double emptyRatio, boolean cap, Progress progress)
            throws IOException {
        long[] n = new long[4];
        long total = dataset.imageCount();
        long[] seen = {0};
        dataset.forEachImage((image, annotations) -> {
            progress.checkCancelled();
            progress.update("planning chips", ++seen[0], total);
            if (image.width() <= 0 || image.height() <= 0) {
                return;
            }
            for (ChipGeometry.Planned chip : planner.plan(image, annotations)) {
                if (chip.empty()) {
                    n[1]++;
                } else {
                    n[0]++;
                    for (Annotation a : chip.annotations()) {
                        n[2]++;
                        if (!a.polygons().isEmpty()) {
                            n[3]++;
                        }
                    }
                }
            }
        });
        long keep = cap ? Math.min(n[1], (long) Math.floor(emptyRatio * n[0] + 1e-9)) : n[1];
        return new ChipPlan(n[0], n[1], keep, cap, n[2], n[3]);
    }
}
