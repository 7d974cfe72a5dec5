package loupe.core.stats;

import java.util.List;

/**
 * Image sizes, formats and files of a dataset or split. Sizes come from the image headers (or, for missing
 * files, from the annotations); images of unknown size are left out of the size distributions.
 *
 * @param images             images in scope
 * @param present            images whose file exists
 * @param missing            images the annotations list whose file does not exist
 * @param unknownSize        images with no known width and height (missing without declared size, or unreadable)
 * @param withoutAnnotations present images with no annotation
 * @param totalBytes         bytes of all present image files
 * @param width              distribution of widths in px
 * @param height             distribution of heights in px
 * @param aspect             distribution of width / height
 * @param fileSize           distribution of file sizes in bytes
 * @param widthHistogram     widths, 2 bins per octave
 * @param heightHistogram    heights, 2 bins per octave
 * @param aspectHistogram    aspect ratios, 4 bins per octave
 * @param fileSizeHistogram  file sizes, 1 bin per octave
 * @param formats            images per format as the header says ({@code "unknown"} when unreadable or missing)
 * @param commonSizes        the most frequent width x height pairs, most frequent first (at most 20)
 * @param distinctSizes      how many distinct width x height pairs there are
 */
public record ImageSummary(long images, long present, long missing, long unknownSize, long withoutAnnotations,
                           long totalBytes, Distribution width, Distribution height, Distribution aspect,
                           Distribution fileSize, Histogram widthHistogram, Histogram heightHistogram,
                           Histogram aspectHistogram, Histogram fileSizeHistogram, List<FormatCount> formats,
                           List<SizeCount> commonSizes, long distinctSizes) {

    /** Images of one format. */
    public record FormatCount(String format, long images) {
    }

    /** Images of one size. */
    public record SizeCount(int width, int height, long images) {
    }
}
