package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.export.ManifestFormat;
import loupe.core.export.ManifestWriter;
import loupe.core.curation.CurationSession;
import loupe.core.curation.Recipe;
import loupe.core.index.Catalog;
import loupe.core.task.ProgressTracker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loupe manifest SRC -o FILE}: one row per image (path, size, labels ...) in CSV, JSON Lines or Parquet. */
@Command(name = "manifest", mixinStandardHelpOptions = true,
        description = {"Write a manifest of the dataset: one row per image with path, size, width, height, split,"
                + " format, present, class_ids, class_names, annotation_count, box_count, labels (per class id,"
                + " name, count, boxes) and content_hash (when known). Indexes first when the folder has not been"
                + " indexed. The file is written atomically.",
                "Shuffle: rows are ordered by md5(\"SEED:EPOCH:PATH\") (hex) with --shuffle-seed, epoch 0 for the"
                        + " row order; --epochs K adds columns epoch_0..epoch_K-1, each row's position in that"
                        + " epoch's order."})
public final class ManifestCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "The dataset folder.")
    Path root;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "The manifest file to write (outside SRC).")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "csv, jsonl or parquet (default: from FILE's extension).")
    String manifestFormat;

    @Option(names = "--shuffle-seed", paramLabel = "N",
            description = "Shuffle the rows deterministically with this seed (default: path order).")
    Long shuffleSeed;

    @Option(names = "--epochs", paramLabel = "K",
            description = "Add K columns epoch_0.. with each row's position in that epoch's shuffled order"
                    + " (seed 0 unless --shuffle-seed).")
    int epochs;

    @Option(names = "--split", paramLabel = "S", description = "Only images of this split.")
    String split;

    @Mixin
    RecipeSelection recipe;

    @Option(names = "--overwrite", description = "Replace FILE when it exists.")
    boolean overwrite;

    @Option(names = "--reindex", description = "Re-index (incrementally) before writing.")
    boolean reindex;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    // The dataset-format option of the mixin is named --format too, but here --format is the manifest's file
    // format; the dataset format stays reachable as --from.
    @Mixin
    Options options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ManifestFormat format = resolveFormat(spec, manifestFormat, output);
        if (epochs < 0 || epochs > 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--epochs must be 0..1000, not " + epochs);
        }
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString());
        }
        // Read before indexing, so a broken recipe fails at once.
        Recipe parsed = recipe.read();
        PrintWriter out = spec.commandLine().getOut();
        ManifestWriter.Result result;
        try (Catalog catalog = Catalog.open(options.catalogFor(root))) {
            if (reindex || !catalog.isIndexed()) {
                IndexCommand.run(catalog, root, options.catalogOptions(), spec.commandLine().getErr());
            }
            ProgressTracker tracker = new ProgressTracker();
            try (ProgressPrinter printer = new ProgressPrinter(tracker, spec.commandLine().getErr(), !options.quiet)) {
                ManifestWriter.Options manifest = new ManifestWriter.Options(format, shuffleSeed, epochs, split,
                        overwrite);
                if (parsed == null) {
                    result = new ManifestWriter().write(catalog, output, manifest, tracker);
                } else {
                    try (CurationSession session = CurationSession.open(catalog)) {
                        session.evaluate(parsed.effective(null), tracker);
                        result = new ManifestWriter().write(catalog, session.exportSelection(), output, manifest,
                                tracker);
                    }
                }
            }
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        } else {
            out.printf(Locale.ROOT, "%,d rows written to %s (%s, %,d bytes, %s%s) in %.2f s%n", result.rows(),
                    result.file(), result.format(), result.bytes(),
                    result.shuffleSeed() == null ? "path order" : "shuffled with seed " + result.shuffleSeed(),
                    result.epochs() > 0 ? ", " + result.epochs() + " epoch columns" : "",
                    result.elapsedMillis() / 1000.0);
            if (result.contentHashes() == null) {
                out.println("content_hash is empty: the catalog holds no content hashes");
            }
        }
        return 0;
    }

    /**
     * {@link CatalogOptions} without its {@code --format} name, which here means the manifest's file format;
     * the dataset format is {@code --from}.
     */
    static final class Options {
        @Option(names = "--catalog", paramLabel = "PATH",
                description = "Catalog file (default: a per-user cache folder keyed by the dataset's path).")
        Path catalog;

        @Option(names = "--threads", paramLabel = "N",
                description = "Worker threads for indexing (default: ${DEFAULT-VALUE}).")
        int threads = loupe.core.index.IndexOptions.defaultThreads();

        @Option(names = "--from", paramLabel = "FORMAT", completionCandidates = CatalogOptions.FormatIds.class,
                description = "Dataset format instead of auto-detection: ${COMPLETION-CANDIDATES}.")
        String from;

        @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
        boolean quiet;

        @Option(names = "--verbose", description = "Stack traces with errors.")
        boolean verbose;

        Path catalogFor(Path root) {
            return catalogOptions().catalogFor(root);
        }

        CatalogOptions catalogOptions() {
            CatalogOptions o = new CatalogOptions();
            o.catalog = catalog;
            o.threads = threads;
            o.format = from;
            o.quiet = quiet;
            o.verbose = verbose;
            return o;
        }
    }

    static ManifestFormat resolveFormat(CommandLine.Model.CommandSpec spec, String id, Path output) {
        if (id != null) {
            return ManifestFormat.byId(id).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "--format must be csv, jsonl or parquet, not '" + id + "'"));
        }
        return ManifestFormat.fromFileName(output).orElseThrow(() -> new CommandLine.ParameterException(
                spec.commandLine(), "cannot tell the format from '" + output.getFileName()
                        + "': name it .csv, .jsonl or .parquet, or give --format"));
    }
}
