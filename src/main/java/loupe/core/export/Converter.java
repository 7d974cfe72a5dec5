package loupe.core.export;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.formats.ConversionReport;
import loupe.core.formats.DatasetFormat;
import loupe.core.formats.DatasetSource;
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
import loupe.core.index.MemoryIndex;
import loupe.core.task.Progress;

/**
 * Converts a dataset folder to another format: reads the source, streams it into the target format's writer,
 * and renames the output into place only when everything was written. The source is never written to. The
 * report ({@code loupe-conversion.json} in the output) says what was carried, what was lost and how class ids
 * were written.
 *
 * <p>How the source is read depends on the catalog given. When it already holds an index of this source, that
 * index is brought up to date (incrementally: unchanged annotation files are not parsed again) and the writer
 * reads from it. Otherwise (a new catalog, or one of another dataset) the source is read straight into memory
 * ({@link Indexer#read}) and the catalog is left as it was: staging 900k annotations, committing them and
 * reading them back sorted cost about as much as parsing them. A source whose annotations would take more than
 * half the heap goes through the catalog all the same, which streams them. Both ways give the same output,
 * byte for byte, and the same report.
 */
public final class Converter {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Converter.class);

    /** Which way the source reaches the writer. */
    enum Route {
        /** The catalog when it holds an index of the source, else memory (falling back to the catalog). */
        AUTO,
        /** Always through the catalog (tests compare the two). */
        CATALOG,
        /** Always through memory, however big (tests). */
        MEMORY
    }

    private final Route route;
    /** Heap the annotations may take in memory (an estimate) before the catalog is used instead. */
    private final long memoryBudget;

    public Converter() {
        this(Route.AUTO);
    }

    Converter(Route route) {
        this(route, route == Route.MEMORY ? Long.MAX_VALUE : Runtime.getRuntime().maxMemory() / 2);
    }

    Converter(Route route, long memoryBudget) {
        this.route = route;
        this.memoryBudget = memoryBudget;
    }

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
        DatasetSource dataset = null;
        String fromFormat = null;
        if (route == Route.MEMORY || route == Route.AUTO && !holdsIndexOf(catalog, src)) {
            try {
                MemoryIndex memory = new Indexer(indexOptions).read(src, memoryBudget, progress);
                dataset = memory;
                fromFormat = memory.format();
            } catch (MemoryIndex.TooLarge e) {
                LOG.debug("reading through the catalog: {}", e.getMessage());
            }
        }
        if (dataset == null) {
            IndexResult indexed = new Indexer(indexOptions).index(catalog, src, progress);
            LOG.debug("indexed in {} ms, phases {}", (System.nanoTime() - start) / 1_000_000, indexed.phaseMillis());
            dataset = new CatalogSource(catalog);
            fromFormat = indexed.format();
        }
        long indexedAt = System.nanoTime();
        ConversionReport report = new ConversionReport(fromFormat, to.id());
        try (AtomicOutput atomic = AtomicOutput.create(out, options.overwrite())) {
            progress.update("writing", 0, dataset.imageCount());
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

    /** True when the catalog holds a complete index of {@code root} (brought up to date, it is worth reusing). */
    private static boolean holdsIndexOf(Catalog catalog, Path root) {
        return catalog.isIndexed() && catalog.meta("root").map(root.toString()::equals).orElse(false);
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
