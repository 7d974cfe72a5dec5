package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.export.ShardSize;
import loupe.core.export.ShardWriter;
import loupe.core.curation.CurationSession;
import loupe.core.curation.Recipe;
import loupe.core.index.Catalog;
import loupe.core.task.ProgressTracker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loupe shards SRC OUT}: WebDataset-style tar shards of image + JSON samples, with an index. */
@Command(name = "shards", mixinStandardHelpOptions = true,
        description = {"Write the dataset as WebDataset tar shards (OUT/shard-000000.tar ...): per sample the"
                + " image as <key>.<ext> and <key>.json (path, split, width, height, annotations with class id,"
                + " name and box [x, y, w, h] in pixels, polygons). OUT/" + ShardWriter.INDEX_FILE + " lists the"
                + " shards with their item counts, sizes and first/last keys. Missing and corrupt images are"
                + " skipped and counted. OUT is written atomically. Indexes first when needed."})
public final class ShardsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "The dataset folder.")
    Path root;

    @Parameters(index = "1", paramLabel = "OUT", description = "The folder to write (must be empty or absent).")
    Path output;

    @Option(names = "--shard-size", paramLabel = "SIZE",
            description = "Per shard: a size (256MB, 1GiB; KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024)"
                    + " or an item count (1000). Default: ${DEFAULT-VALUE}.")
    String shardSize = "256MB";

    @Option(names = "--shuffle-seed", paramLabel = "N",
            description = "Shuffle the samples with this seed, in the same order as 'loupe manifest"
                    + " --shuffle-seed N' (default: path order).")
    Long shuffleSeed;

    @Option(names = "--split", paramLabel = "S", description = "Only images of this split.")
    String split;

    @Mixin
    RecipeSelection recipe;

    @Option(names = "--overwrite", description = "Replace OUT when it is not empty.")
    boolean overwrite;

    @Option(names = "--reindex", description = "Re-index (incrementally) before writing.")
    boolean reindex;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Mixin
    CatalogOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ShardSize size;
        try {
            size = ShardSize.parse(shardSize);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shard-size: " + e.getMessage());
        }
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString());
        }
        // Read before indexing, so a broken recipe fails at once.
        Recipe parsed = recipe.read();
        PrintWriter out = spec.commandLine().getOut();
        ShardWriter.Result result;
        try (Catalog catalog = Catalog.open(options.catalogFor(root))) {
            if (reindex || !catalog.isIndexed()) {
                IndexCommand.run(catalog, root, options, spec.commandLine().getErr());
            }
            ProgressTracker tracker = new ProgressTracker();
            try (ProgressPrinter printer = new ProgressPrinter(tracker, spec.commandLine().getErr(), !options.quiet)) {
                ShardWriter.Options shards = new ShardWriter.Options(size, shuffleSeed, split, overwrite);
                if (parsed == null) {
                    result = new ShardWriter().write(catalog, output, shards, tracker);
                } else {
                    try (CurationSession session = CurationSession.open(catalog)) {
                        session.evaluate(parsed.effective(null), tracker);
                        result = new ShardWriter().write(catalog, session.exportSelection(), output, shards, tracker);
                    }
                }
            }
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        } else {
            out.printf(Locale.ROOT, "%,d samples in %,d shards (%,d bytes) written to %s in %.2f s%n", result.items(),
                    result.shards().size(), result.bytes(), result.output(), result.elapsedMillis() / 1000.0);
            if (result.skippedMissing() + result.skippedCorrupt() > 0) {
                out.printf(Locale.ROOT, "warning: skipped %,d missing and %,d corrupt images (listed in %s)%n",
                        result.skippedMissing(), result.skippedCorrupt(), ShardWriter.INDEX_FILE);
            }
        }
        return 0;
    }
}
