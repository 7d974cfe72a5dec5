package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.export.ChipOptions;
import loupe.core.export.ChipReport;
import loupe.core.export.Chipper;
import loupe.core.formats.ConversionReport;
import loupe.core.index.Catalog;
import loupe.core.task.ProgressTracker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loupe chip SRC OUT --size 1024}: cuts big images into chips with their annotations clipped. */
@Command(name = "chip", mixinStandardHelpOptions = true,
        description = "Cut a dataset's images (or one big image) into square chips, with boxes and polygons clipped"
                + " to each chip, written as a dataset in any writable format plus a chip manifest (chips.csv:"
                + " chip, source image, group, split, offset, size, downsample, box count). Reads only the region"
                + " each chip needs (pyramid levels of tiled TIFFs included), so memory does not grow with the image."
                + " OUT is written atomically and never overlaps SRC.")
public final class ChipCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "A dataset folder, or a single image file.")
    Path source;

    @Parameters(index = "1", paramLabel = "OUT", description = "The folder to write (must be empty or absent).")
    Path output;

    @Option(names = "--size", paramLabel = "PX", description = "Chip side in output pixels (default: ${DEFAULT-VALUE}).")
    int size = 1024;

    @Option(names = "--overlap", paramLabel = "PX", description = "Pixels shared by neighbouring chips (default: 0).")
    Integer overlap;

    @Option(names = "--stride", paramLabel = "PX", description = "Step between chips instead of --overlap.")
    Integer stride;

    @Option(names = "--downsample", paramLabel = "F",
            description = "Source pixels per chip pixel, e.g. 2 for half resolution (default: ${DEFAULT-VALUE}).")
    double downsample = 1;

    @Option(names = "--min-visibility", paramLabel = "F", description = "Keep an annotation cut by a chip edge when"
            + " at least this fraction of it is inside the chip (default: ${DEFAULT-VALUE}).")
    double minVisibility = 0.5;

    @Option(names = "--empty-ratio", paramLabel = "R", description = "Keep at most R empty chips per chip with"
            + " annotations, chosen at random (--seed); default: keep all.")
    Double emptyRatio;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for the choice of empty chips (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--to", paramLabel = "FORMAT", completionCandidates = ConvertCommand.WritableIds.class,
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String to = "coco";

    @Option(names = "--image-format", paramLabel = "jpg|png", description = "Chip images (default: ${DEFAULT-VALUE}).")
    String imageFormat = "jpg";

    @Option(names = "--quality", paramLabel = "Q", description = "JPEG quality 1-100 (default: ${DEFAULT-VALUE}).")
    int quality = 90;

    @Option(names = "--manifest", paramLabel = "csv|jsonl", description = "Chip manifest format (default: ${DEFAULT-VALUE}).")
    String manifest = "csv";

    @Option(names = "--overwrite", description = "Replace OUT when it is not empty.")
    boolean overwrite;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Mixin
    CatalogOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ChipOptions chipOptions = parse();
        PrintWriter out = spec.commandLine().getOut();
        ProgressTracker tracker = new ProgressTracker();
        ChipReport report;
        boolean folder = Files.isDirectory(source);
        try (Catalog catalog = folder ? Catalog.open(options.catalogFor(source)) : null;
             ProgressPrinter printer = new ProgressPrinter(tracker, spec.commandLine().getErr(), !options.quiet)) {
            report = new Chipper().chip(source, output, catalog, chipOptions, tracker);
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            print(report, out);
        }
        return 0;
    }

    private ChipOptions parse() {
        if (overlap != null && stride != null) {
            throw usage("give --overlap or --stride, not both");
        }
        int step = stride != null ? stride : size - (overlap == null ? 0 : overlap);
        if (overlap != null && (overlap < 0 || overlap >= size)) {
            throw usage("--overlap must be 0.." + (size - 1) + " (less than --size), not " + overlap);
        }
        try {
            return new ChipOptions(size, step, downsample, minVisibility, emptyRatio == null ? -1 : emptyRatio, to,
                    imageFormat, quality, seed, options.threads, manifest, options.format, overwrite);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static void print(ChipReport r, PrintWriter out) {
        out.printf(Locale.ROOT, "%s (%s) -> %s (%s)%n", r.source(), r.from(), r.output(), r.to());
        out.printf(Locale.ROOT, "%,d chips from %,d of %,d images (%,d skipped): %,d with annotations, %,d empty"
                        + " (%,d empty left out)%n", r.chips(), r.imagesChipped(), r.sourceImages(), r.imagesSkipped(),
                r.nonEmptyChips(), r.emptyChips(), r.emptyChipsDropped());
        out.printf(Locale.ROOT, "%,d annotations in chips, %,d pieces dropped as less visible than the minimum%n",
                r.annotationsKept(), r.annotationsDropped());
        for (ConversionReport.Loss loss : r.losses()) {
            out.printf(Locale.ROOT, "  %s: %s (%,d)%n", loss.kind(), loss.whatWasDone(), loss.count());
        }
        out.printf(Locale.ROOT, "%.2f s, %,.1f chips/s; manifest %s%n", r.seconds(), r.chipsPerSecond(), r.manifest());
    }
}
