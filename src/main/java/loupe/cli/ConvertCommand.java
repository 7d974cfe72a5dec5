package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.export.Converter;
import loupe.core.formats.ConversionReport;
import loupe.core.formats.ImageMode;
import loupe.core.index.Catalog;
import loupe.core.task.ProgressTracker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loupe convert SRC --to FORMAT OUT}: writes a dataset in another format, with a report of what was lost. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a dataset to another format. OUT is written atomically (nothing is left behind"
                + " on failure) and never overlaps SRC. Prints what was carried, what the target could not hold"
                + " and how class ids were written; the same report goes to OUT/" + Converter.REPORT_FILE + ".")
public final class ConvertCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "The dataset folder to read.")
    Path source;

    @Parameters(index = "1", paramLabel = "OUT", description = "The folder to write (must be empty or absent).")
    Path output;

    @Option(names = "--to", required = true, paramLabel = "FORMAT", completionCandidates = WritableIds.class,
            description = "Target format: ${COMPLETION-CANDIDATES}. yolo-obb writes YOLO oriented boxes"
                    + " (4-point polygons as they are, other polygons as their minimum-area rotated rectangle)."
                    + " COCO RLE masks stay masks in coco and become traced polygons elsewhere (reported).")
    String to;

    /** The writable format ids, for the help text. */
    static final class WritableIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return loupe.core.formats.Formats.writableIds().iterator();
        }
    }

    @Option(names = "--images", paramLabel = "MODE", description = "copy, link (hard links), symlink or none"
            + " (default: ${DEFAULT-VALUE}).")
    String images = "copy";

    @Option(names = "--class-map", paramLabel = "FILE", description = "Rename, merge or drop classes: a JSON object"
            + " {\"old\": \"new\", \"unwanted\": null} or lines 'old,new' ('old,' drops).")
    Path classMap;

    @Option(names = "--overwrite", description = "Replace OUT when it is not empty.")
    boolean overwrite;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Mixin
    CatalogOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ImageMode mode;
        try {
            mode = ImageMode.valueOf(images.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--images must be copy, link, symlink or none, not '" + images + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        ProgressTracker tracker = new ProgressTracker();
        ConversionReport report;
        try (Catalog catalog = Catalog.open(options.catalogFor(source));
             ProgressPrinter printer = new ProgressPrinter(tracker, spec.commandLine().getErr(), !options.quiet)) {
            report = new Converter().convert(source, output, catalog,
                    new Converter.Options(options.format, to, mode, overwrite, options.threads,
                            classMap == null ? null : loupe.core.export.ClassMap.read(classMap)), tracker);
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(Converter.ReportJson.of(report)));
        } else {
            out.print(report.toText());
            out.println("Written to " + output.toAbsolutePath().normalize());
        }
        return 0;
    }
}
