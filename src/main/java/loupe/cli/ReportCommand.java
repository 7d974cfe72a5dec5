package loupe.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import loupe.core.index.Catalog;
import loupe.core.report.HtmlReport;
import loupe.core.stats.Statistics;
import loupe.core.task.ProgressTracker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loupe report DIR -o report.html}: the audit report as one self-contained HTML file. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write an HTML audit report: class distribution, splits, box and image statistics and "
                + "the problems with thumbnails, in one self-contained file (no network, no scripts). Reads the "
                + "catalog; indexes first when the folder has not been indexed."})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The dataset folder.")
    Path root;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "The HTML file to write (outside the dataset folder; replaced if it exists).")
    Path output;

    @Option(names = "--split", paramLabel = "S", description = "Only this split.")
    String split;

    @Option(names = "--reindex", description = "Re-index (incrementally) before reporting (implied by --hashes, "
            + "--deep, --near-distance, --max-pixels and --format).")
    boolean reindex;

    @Option(names = "--max-problems", paramLabel = "N",
            description = "List at most N problems, spread over the kinds (default: ${DEFAULT-VALUE}).")
    int maxProblems = HtmlReport.Options.defaults().maxProblems();

    @Option(names = "--no-thumbnails", description = "Do not embed thumbnails of the problem images.")
    boolean noThumbnails;

    @Option(names = "--few-samples", paramLabel = "N",
            description = "Classes with fewer than N instances are called out (default: ${DEFAULT-VALUE}).")
    int fewSamples = Statistics.DEFAULT_FEW_SAMPLES;

    @Mixin
    CatalogOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString());
        }
        if (maxProblems < 0 || fewSamples < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--max-problems and --few-samples must not be negative");
        }
        Path dataset = root.toRealPath();
        Path target = output.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-o must be a file, not a folder: " + output);
        }
        // Resolve links through the nearest folder that exists, so neither a symlink nor a folder still to be
        // created can lead into the dataset.
        Path existing = target.getParent();
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && existing.toRealPath().resolve(existing.relativize(target)).startsWith(dataset)) {
            // Loupe never writes into a dataset.
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "write the report outside the dataset folder: " + output);
        }
        try (Catalog catalog = Catalog.open(options.catalogFor(root))) {
            if (reindex || !catalog.isIndexed() || options.changesIndex()) {
                IndexCommand.run(catalog, root, options, spec.commandLine().getErr());
            }
            ProgressTracker tracker = new ProgressTracker();
            try (ProgressPrinter printer = new ProgressPrinter(tracker, spec.commandLine().getErr(), !options.quiet)) {
                HtmlReport.write(catalog, split, target, new HtmlReport.Options(maxProblems, !noThumbnails,
                        HtmlReport.Options.defaults().thumbnailPx(), fewSamples), tracker);
            }
        }
        spec.commandLine().getOut().println("wrote " + target);
        return 0;
    }
}
