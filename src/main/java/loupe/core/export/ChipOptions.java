package loupe.core.export;

import java.util.Locale;

/**
 * How to chip. Sizes are chip pixels (the output), so {@code size 1024} at {@code downsample 2} covers 2048 source
 * pixels.
 *
 * @param size          chip side in output pixels, at least 1
 * @param stride        step between chips in output pixels, 1..size ({@code size - overlap})
 * @param downsample    source pixels per chip pixel, at least 1
 * @param minVisibility 0..1: an annotation cut by a chip edge is kept when at least this fraction of it is inside
 * @param emptyRatio    at most this many empty chips (no annotation kept) per non-empty chip, chosen at random with
 *                      {@code seed}; negative or NaN keeps every empty chip. Ignored for a single image file.
 * @param toFormat      the output dataset format id (see {@link loupe.core.formats.Formats#writableIds()})
 * @param imageFormat   "jpg" or "png"
 * @param quality       JPEG quality 1..100
 * @param seed          for the choice of empty chips
 * @param threads       chips read and encoded in parallel
 * @param manifest      "csv" or "jsonl": {@code chips.csv} or {@code chips.jsonl} in the output
 * @param fromFormat    source format id, or null to detect
 * @param overwrite     replace a non-empty output folder
 */
public record ChipOptions(int size, int stride, double downsample, double minVisibility, double emptyRatio,
                          String toFormat, String imageFormat, int quality, long seed, int threads, String manifest,
                          String fromFormat, boolean overwrite) {

    public ChipOptions {
        if (size < 1) {
            throw new IllegalArgumentException("chip size must be at least 1, got " + size);
        }
        if (stride < 1 || stride > size) {
            throw new IllegalArgumentException("stride must be 1.." + size + " (the chip size), got " + stride);
        }
        if (!(downsample >= 1) || Double.isInfinite(downsample)) {
            throw new IllegalArgumentException("downsample must be at least 1, got " + downsample);
        }
        if (!(minVisibility >= 0 && minVisibility <= 1)) {
            throw new IllegalArgumentException("min visibility must be 0..1, got " + minVisibility);
        }
        imageFormat = imageFormat.toLowerCase(Locale.ROOT);
        if (imageFormat.equals("jpeg")) {
            imageFormat = "jpg";
        }
        if (!imageFormat.equals("jpg") && !imageFormat.equals("png")) {
            throw new IllegalArgumentException("chip image format must be jpg or png, not '" + imageFormat + "'");
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1..100, got " + quality);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        manifest = manifest.toLowerCase(Locale.ROOT);
        if (!manifest.equals("csv") && !manifest.equals("jsonl")) {
            throw new IllegalArgumentException("manifest must be csv or jsonl, not '" + manifest + "'");
        }
    }

    /** Defaults: 1024-px chips without overlap, full resolution, half visible, every empty chip, COCO, JPEG 90. */
    public static ChipOptions defaults() {
        return new ChipOptions(1024, 1024, 1, 0.5, -1, "coco", "jpg", 90, 0, Runtime.getRuntime().availableProcessors(),
                "csv", null, false);
    }

    public ChipOptions withSize(int size, int stride) {
        return new ChipOptions(size, stride, downsample, minVisibility, emptyRatio, toFormat, imageFormat, quality, seed,
                threads, manifest, fromFormat, overwrite);
    }

    public ChipOptions withDownsample(double downsample) {
        return new ChipOptions(size, stride, downsample, minVisibility, emptyRatio, toFormat, imageFormat, quality, seed,
                threads, manifest, fromFormat, overwrite);
    }

    public ChipOptions withMinVisibility(double minVisibility) {
        return new ChipOptions(size, stride, downsample, minVisibility, emptyRatio, toFormat, imageFormat, quality, seed,
                threads, manifest, fromFormat, overwrite);
    }

    public ChipOptions withEmptyRatio(double emptyRatio, long seed) {
        return new ChipOptions(size, stride, downsample, minVisibility, emptyRatio, toFormat, imageFormat, quality, seed,
                threads, manifest, fromFormat, overwrite);
    }

    public ChipOptions withOutput(String toFormat, String imageFormat, int quality, String manifest) {
        return new ChipOptions(size, stride, downsample, minVisibility, emptyRatio, toFormat, imageFormat, quality, seed,
                threads, manifest, fromFormat, overwrite);
    }

    public ChipOptions withThreads(int threads) {
        return new ChipOptions(size, stride, downsample, minVisibility, emptyRatio, toFormat, imageFormat, quality, seed,
                threads, manifest, fromFormat, overwrite);
    }

    public ChipOptions withSource(String fromFormat, boolean overwrite) {
        return new ChipOptions(size, stride, downsample, minVisibility, emptyRatio, toFormat, imageFormat, quality, seed,
                threads, manifest, fromFormat, overwrite);
    }

    /** Source pixels a full chip covers along each side. */
    public int span() {
        return (int) Math.round(size * downsample);
    }

    /** Source pixels between chip starts. */
    public int sourceStride() {
        return Math.max(1, (int) Math.round(stride * downsample));
    }

    /** True when the number of empty chips is capped. */
    public boolean capsEmpty() {
        return emptyRatio >= 0;
    }
}
