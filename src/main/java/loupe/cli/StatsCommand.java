package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.index.Catalog;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Statistics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loupe stats DIR}: class and split counts and problems, from the catalog (indexing first if needed). */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show images, annotations and classes per split, and the problems found. "
                + "Reads the catalog; indexes first when the folder has not been indexed.")
public final class StatsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The dataset folder.")
    Path root;

    @Option(names = "--split", paramLabel = "S", description = "Only this split.")
    String split;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--reindex", description = "Re-index (incrementally) before reporting.")
    boolean reindex;

    @Option(names = "--max-problems", paramLabel = "N", description = "List at most N problems (default: ${DEFAULT-VALUE}).")
    int maxProblems = 1000;

    @Mixin
    CatalogOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!java.nio.file.Files.isDirectory(root)) {
            throw new java.nio.file.NoSuchFileException(root.toString());
        }
        try (Catalog catalog = Catalog.open(options.catalogFor(root))) {
            if (reindex || !catalog.isIndexed()) {
                IndexCommand.run(catalog, root, options, spec.commandLine().getErr());
            }
            DatasetStats stats = Statistics.compute(catalog, split, maxProblems);
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(stats));
            } else {
                print(stats, Statistics.problemCount(catalog), out);
            }
        }
        return 0;
    }

    private static void print(DatasetStats s, long problemCount, PrintWriter out) {
        out.printf(Locale.ROOT, "%s (%s)%s%n", s.root(), s.format(), s.split() == null ? "" : ", split " + s.split());
        out.printf(Locale.ROOT, "%,d images, %,d annotations, %,d classes%n%n", s.images(), s.annotations(),
                s.classes().size());
        out.printf(Locale.ROOT, "%6s  %-28s %12s %10s%n", "id", "class", "instances", "images");
        for (DatasetStats.ClassCount c : s.classes()) {
            out.printf(Locale.ROOT, "%6d  %-28s %,12d %,10d%n", c.id(), c.name(), c.instances(), c.images());
        }
        if (!s.splits().isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "%-16s %10s %12s%n", "split", "images", "annotations");
            for (DatasetStats.SplitCount sp : s.splits()) {
                out.printf(Locale.ROOT, "%-16s %,10d %,12d%n", sp.name(), sp.images(), sp.annotations());
            }
        }
        out.println();
        out.printf(Locale.ROOT, "%,d problems%s%n", problemCount, problemCount > s.problems().size()
                ? " (first " + s.problems().size() + " below)" : "");
        for (DatasetStats.ProblemEntry p : s.problems()) {
            out.printf(Locale.ROOT, "  %-7s %-26s %s%s: %s%n", p.severity(), p.kind(), p.path(),
                    p.location() == null || p.location().isEmpty() ? "" : " (" + p.location() + ")", p.message());
        }
    }
}
