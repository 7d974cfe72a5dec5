package loupe.core.stats;

import java.util.List;

/**
 * Box geometry of a dataset or split, overall and per class. Sizes are in pixels of the full image;
 * aspect is width / height. Histograms and distributions count boxes of positive size only.
 * <p>
 * Medians (of the distributions and per class) are exact when the catalog holds at most
 * {@link Statistics#EXACT_MEDIAN_LIMIT} annotations; above that they are read off histograms of
 * 64 bins per octave and lie within 2^(1/64) - 1 = 1.1% of the exact median
 * (the exact one falls in the same bin). Counts, histograms, min, max and means are always exact.
 *
 * @param boxes           annotations with a box
 * @param withoutBox      annotations without a box (image-level labels)
 * @param invalid         boxes of zero or negative width or height
 * @param small           boxes with area below 32² px (COCO "small")
 * @param medium          area at least 32² and below 96² px
 * @param large           area 96² px and more
 * @param touchingBorder  boxes whose edge lies within {@value Statistics#BORDER_PX} px of the image border (or
 *                        beyond it), on images of known size
 * @param width           distribution of box widths
 * @param height          distribution of box heights
 * @param area            distribution of box areas
 * @param aspect          distribution of width / height
 * @param widthHistogram  widths, 2 bins per octave
 * @param heightHistogram heights, 2 bins per octave
 * @param areaHistogram   areas, 1 bin per octave
 * @param aspectHistogram aspect ratios, 4 bins per octave, 1/16 to 16
 * @param boxesPerImage   how many images have how many boxes (every image in scope, 0 included), by box count
 * @param heatmap         box centres on a 16 x 16 grid of the normalised image
 * @param perClass        the same, per class with boxes, by class id
 */
public record BoxStats(long boxes, long withoutBox, long invalid, long small, long medium, long large,
                       long touchingBorder, Distribution width, Distribution height, Distribution area,
                       Distribution aspect, Histogram widthHistogram, Histogram heightHistogram,
                       Histogram areaHistogram, Histogram aspectHistogram, List<PerImage> boxesPerImage,
                       Heatmap heatmap, List<ClassBoxes> perClass) {

    /** {@code images} images have exactly {@code boxes} boxes. */
    public record PerImage(long boxes, long images) {
    }

    /** One class's box geometry; fields as in {@link BoxStats}. */
    public record ClassBoxes(int id, String name, long boxes, long invalid, long small, long medium, long large,
                             long touchingBorder, Double medianWidth, Double medianHeight, Double medianAspect,
                             Histogram widthHistogram, Histogram heightHistogram, Histogram areaHistogram,
                             Histogram aspectHistogram) {
    }
}
