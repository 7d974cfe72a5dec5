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
 * @param channels           images per channel count as the header says (1 grey, 2 grey + alpha, 3 colour, 4
 *                           colour + alpha or CMYK), ascending; last, with a null value, those whose header
 *                           gave none (missing, unreadable, or a format whose header does not say)
 * @param bitDepths          images per bit depth (bits per channel, e.g. 8 or 16), ordered as {@code channels}
 * @param orientations       images per EXIF (or TIFF) orientation: 0 no orientation tag, 1 normal, 2-8 mirrored
 *                           and/or rotated (see {@code ProblemKind.EXIF_ORIENTATION}); null value: not read
 */
public record ImageSummary(long images, long present, long missing, long unknownSize, long withoutAnnotations,
                           long totalBytes, Distribution width, Distribution height, Distribution aspect,
                           Distribution fileSize, Histogram widthHistogram, Histogram heightHistogram,
                           Histogram aspectHistogram, Histogram fileSizeHistogram, List<FormatCount> formats,
                           List<SizeCount> commonSizes, long distinctSizes, List<ValueCount> channels,
                           List<ValueCount> bitDepths, List<ValueCount> orientations) {

    /** {@code images} images have this value; {@code value} is null for those whose header did not tell. */
    public record ValueCount(Integer value, long images) {
    }

    /** Images of one format. */
    public record FormatCount(String format, long images) {
    }

    /** Images of one size. */
    public record SizeCount(int width, int height, long images) {
    }
}
