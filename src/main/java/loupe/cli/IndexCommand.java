package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.index.Catalog;
import loupe.core.index.IndexResult;
import loupe.core.index.Indexer;
import loupe.core.task.ProgressTracker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code loupe index DIR}: indexes (or re-indexes, incrementally) a dataset folder into its catalog. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Index a dataset folder into its catalog (incremental: unchanged files are not read again).")
public final class IndexCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The dataset folder.")
    Path root;

    @Mixin
    CatalogOptions options;

    @CommandLine.Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // The catalog opens (DuckDB loads) while the dataset is listed.
        try (Catalog.Opening catalog = Catalog.openAside(options.catalogFor(root))) {
            IndexResult result = run(catalog, root, options, spec.commandLine().getErr());
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
            } else {
                out.println(summary(result));
            }
        }
        return 0;
    }

    /** Indexes with progress on stderr; shared with {@code stats}, which indexes first when needed. */
    static IndexResult run(Catalog catalog, Path root, CatalogOptions options, PrintWriter err) throws Exception {
        return run(Catalog.Opening.of(catalog), root, options, err);
    }

    static IndexResult run(Catalog.Opening catalog, Path root, CatalogOptions options, PrintWriter err)
            throws Exception {
        ProgressTracker tracker = new ProgressTracker();
        try (ProgressPrinter printer = new ProgressPrinter(tracker, err, !options.quiet)) {
            return new Indexer(options.indexOptions()).index(catalog, root, tracker);
        }
    }

    static String summary(IndexResult r) {
        return String.format(Locale.ROOT,
                "%s (%s: %s)%n%,d files, %,d images, %,d annotations, %,d classes, %,d problems%n"
                        + "%.2f s, %,.0f files/s (headers read: %,d; annotation files parsed: %,d, unchanged: %,d)%n"
                        + "phases: %s",
                r.root(), r.format(), r.formatReason(), r.files(), r.images(), r.annotations(), r.classes(),
                r.problems(), r.elapsedMillis() / 1000.0, r.filesPerSecond(), r.headersRead(), r.unitsParsed(),
                r.unitsReused(), r.phaseMillis().entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " ms")
                        .collect(java.util.stream.Collectors.joining(", ")));
    }
}
