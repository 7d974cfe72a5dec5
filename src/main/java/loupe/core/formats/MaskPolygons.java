package loupe.core.formats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;

/**
 * A {@link DatasetSource} that hands writers which cannot hold masks polygons instead: every annotation that
 * carries a COCO RLE mask ({@link CocoRle#ATTRIBUTE}) gets the outer contours of its regions
 * ({@link MaskContours}) as its polygons and loses the mask attributes. Masks are traced one annotation at a
 * time as images stream by, so no more than one mask is expanded at once.
 *
 * <p>Reported per kind, with counts: masks converted to polygons, holes dropped (per hole), empty masks
 * (kept as their box), masks that could not be read (kept as their box).
 */
public final class MaskPolygons implements DatasetSource {

    private final DatasetSource source;
    private final ConversionReport report;
    private final boolean countMasks;

    private MaskPolygons(DatasetSource source, ConversionReport report, boolean countMasks) {
        this.source = source;
        this.report = report;
        this.countMasks = countMasks;
    }

    /**
     * Wraps {@code source} (once: an already wrapped source is returned as is). {@link #shapeCounts} is the
     * source's own: masks are not counted as polygons, because counting them takes a pass over the source and
     * a source may not bear a second pass (a class map reports its drops per pass, a chip source cuts images).
     * Writers call this on whatever they are given; it does nothing to a source whose masks were traced.
     */
    public static DatasetSource wrap(DatasetSource source, ConversionReport report) {
        return source instanceof MaskPolygons ? source : new MaskPolygons(source, report, false);
    }

    /**
     * The source a writer of {@code target} should get: as is for COCO, which holds RLE; else wrapped, with
     * masks counted as polygons in {@link #shapeCounts}. {@code source} must bear a second pass (a catalog or
     * an in-memory source): wrap it before anything that reports per pass, such as a class map.
     */
    public static DatasetSource forTarget(DatasetFormat target, DatasetSource source, ConversionReport report) {
        return target instanceof CocoFormat || source instanceof MaskPolygons ? source
                : new MaskPolygons(source, report, true);
    }

    @Override
    public Path root() {
        return source.root();
    }

    @Override
    public List<ClassLabel> classes() {
        return source.classes();
    }

    @Override
    public long imageCount() {
        return source.imageCount();
    }

    /**
     * The source's counts; from {@link #forTarget}, with boxed masks counted as having polygons: only when some
     * box has no polygon is
     * the source visited, and the visit stops at the first box with neither polygon nor mask (the answer
     * "not every box has a shape" is then settled and the source's counts say so already).
     */
    @Override
    public ShapeCounts shapeCounts() throws IOException {
        ShapeCounts base = source.shapeCounts();
        if (!countMasks || base.withBox() == 0 || base.withBoxAndPolygons() == base.withBox()) {
            return base;
        }
        long[] masks = {0};
        try {
            source.forEachImage((image, annotations) -> {
                for (Annotation a : annotations) {
                    if (a.box() != null && a.polygons().isEmpty()) {
                        if (!a.attributes().containsKey(CocoRle.ATTRIBUTE)) {
                            throw new Settled();
                        }
                        masks[0]++;
                    }
                }
            });
        } catch (Settled settled) {
            return base;
        }
        return new ShapeCounts(base.withBox(), base.withBoxAndPolygons() + masks[0]);
    }

    /** Stops a visit early. */
    private static final class Settled extends RuntimeException {
        Settled() {
            super(null, null, false, false);
        }
    }

    @Override
    public void forEachImage(ImageVisitor visitor) throws IOException {
        source.forEachImage((image, annotations) -> {
            List<Annotation> converted = null;
            for (int i = 0; i < annotations.size(); i++) {
                Annotation a = annotations.get(i);
                if (a.attributes().containsKey(CocoRle.ATTRIBUTE)) {
                    if (converted == null) {
                        converted = new ArrayList<>(annotations);
                    }
                    converted.set(i, convert(a));
                }
            }
            visitor.visit(image, converted == null ? annotations : converted);
        });
    }

    private Annotation convert(Annotation a) {
        Map<String, String> attributes = new HashMap<>(a.attributes());
        String text = attributes.remove(CocoRle.ATTRIBUTE);
        String form = attributes.get(CocoRle.SOURCE_FORM);
        if (CocoRle.COMPRESSED.equals(form) || CocoRle.UNCOMPRESSED.equals(form)) {
            attributes.remove(CocoRle.SOURCE_FORM);
        }
        CocoRle rle;
        try {
            rle = CocoRle.fromAttribute(text);
        } catch (IllegalArgumentException e) {
            report.loss("RLE mask unreadable", "kept as its box only: " + e.getMessage());
            return new Annotation(a.imagePath(), a.classId(), a.box(), a.polygons(), a.crowd(), attributes);
        }
        MaskContours.Result traced = MaskContours.trace(rle);
        if (traced.polygons().isEmpty()) {
            report.loss("RLE mask empty", "kept as its box only: the mask has no pixel set");
            return new Annotation(a.imagePath(), a.classId(), a.box(), a.polygons(), a.crowd(), attributes);
        }
        report.loss("RLE mask", "converted to polygon(s): the outer contour of each region, traced along"
                + " pixel edges (the target cannot hold masks)");
        if (traced.holes() > 0) {
            report.loss("RLE mask hole", "dropped: only outer contours are written, holes are filled",
                    traced.holes());
        }
        List<loupe.core.model.Polygon> polygons = new ArrayList<>(a.polygons());
        polygons.addAll(traced.polygons());
        return new Annotation(a.imagePath(), a.classId(), a.box(), polygons, a.crowd(), attributes);
    }
}
