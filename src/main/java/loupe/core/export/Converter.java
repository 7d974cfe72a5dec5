package loupe.core.export;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.formats.ConversionReport;
import loupe.core.formats.DatasetFormat;
import loupe.core.formats.DatasetWriter;
import loupe.core.formats.Formats;
import loupe.core.formats.ImageMode;
import loupe.core.formats.UnknownFormatException;
import loupe.core.formats.WriteTarget;
import loupe.core.index.Catalog;
import loupe.core.index.CatalogSource;
import loupe.core.index.IndexOptions;
import loupe.core.index.IndexResult;
import loupe.core.index.Indexer;
import loupe.core.task.Progress;

/**
 * Converts a dataset folder to another format: indexes the source into its catalog (incrementally), streams
 * it from there into the target format's writer, and renames the output into place only when everything was
 * written. The source is never written to. The report ({@code loupe-conversion.json} in the output) says what
 * was carried, what was lost and how class ids were written.
 */
public final class Converter {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Converter.class);

    /** The name of the report written into the output folder. */
    public static final String REPORT_FILE = loupe.core.formats.DatasetPaths.CONVERSION_REPORT;

    /**
     * @param fromFormat source format id, or null to detect
     * @param toFormat   target format id
     * @param images     what to do with image files
     * @param overwrite  replace a non-empty output folder
     */
    public record Options(String fromFormat, String toFormat, ImageMode images, boolean overwrite, int threads,
                          ClassMap classMap) {

        public Options(String fromFormat, String toFormat, ImageMode images, boolean overwrite, int threads) {
            this(fromFormat, toFormat, images, overwrite, threads, null);
        }
    }

    /**
     * @throws UnknownFormatException when the target format is unknown or cannot be written
     * @throws IOException            when the output overlaps the source, exists and is not empty, or cannot be written
     */
    public ConversionReport convert(Path source, Path output, Catalog catalog, Options options, Progress progress)
            throws IOException {
        DatasetFormat to = Formats.byId(options.toFormat()).orElseThrow(() -> new UnknownFormatException(
                "unknown format '" + options.toFormat() + "'; known formats: " + String.join(", ", Formats.ids())));
        DatasetWriter writer = to.writer().orElseThrow(() -> new UnknownFormatException(
                "Loupe reads " + to.id() + " but cannot write it yet; writable formats: "
                        + String.join(", ", Formats.writableIds())));
        Path src = source.toAbsolutePath().normalize();
        Path out = output.toAbsolutePath().normalize();
        if (out.startsWith(src) || src.startsWith(out)) {
            throw new IOException("the output " + out + " overlaps the source " + src
                    + "; Loupe never writes into a dataset it reads");
        }
        IndexOptions indexOptions = new IndexOptions(options.threads(), options.fromFormat());
        long start = System.nanoTime();
        // A conversion reads no per-image label summary: the indexer skips deriving it (the next open does).
        IndexResult indexed = new Indexer(indexOptions).forConversion().index(catalog, src, progress);
        long indexedAt = System.nanoTime();
        LOG.debug("indexed in {} ms, phases {}", (indexedAt - start) / 1_000_000, indexed.phaseMillis());
        ConversionReport report = new ConversionReport(indexed.format(), to.id());
        try (AtomicOutput atomic = AtomicOutput.create(out, options.overwrite())) {
            progress.update("writing", 0, indexed.images());
            loupe.core.formats.DatasetSource dataset = new CatalogSource(catalog);
            // Targets that cannot hold COCO RLE masks get them as traced polygons (reported). Wrapped before
            // the class map, whose drops would be reported twice by the mask-counting pass.
            dataset = loupe.core.formats.MaskPolygons.forTarget(to, dataset, report);
            if (options.classMap() != null) {
                dataset = options.classMap().apply(dataset, report);
            }
            writer.write(dataset, new WriteTarget(atomic.temp(), src, options.images(), report, progress));
            progress.checkCancelled();
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(atomic.temp().resolve(REPORT_FILE).toFile(), ReportJson.of(report));
            atomic.commit();
        }
        LOG.debug("written in {} ms; indexed and written in {} ms", (System.nanoTime() - indexedAt) / 1_000_000,
                (System.nanoTime() - start) / 1_000_000);
        return report;
    }

    /** The report as JSON: the shape {@code loupe convert --json} prints. */
    public record ReportJson(String from, String to, long imagesIn, long imagesOut, long annotationsIn,
                             long annotationsOut, java.util.List<ConversionReport.ClassCounts> classes,
                             java.util.List<ConversionReport.Loss> losses, boolean classIdsRemapped,
                             java.util.List<ConversionReport.ClassMapping> classMapping,
                             java.util.List<String> notes) {

        public static ReportJson of(ConversionReport r) {
            return new ReportJson(r.from(), r.to(), r.imagesIn(), r.imagesOut(), r.annotationsIn(),
                    r.annotationsOut(), r.classes(), r.losses(), r.idsRemapped(), r.mappings(), r.notes());
        }
    }
}
