package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.curation.Exporter;
import loupe.core.curation.Preview;
import loupe.core.curation.Recipe;
import loupe.core.export.Converter;
import loupe.core.formats.ImageMode;
import loupe.core.index.Catalog;
import loupe.core.task.ProgressTracker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loupe export SRC OUT [--recipe r.json]}: writes the subset a recipe selects (filtered, relabelled,
 * balanced, re-split) in any writable format, after printing the class distribution per split before and after.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a subset of a dataset shaped by a recipe (filters, label renames/merges/drops,"
                + " per-class caps, oversampling, random or stratified group-aware splits; see"
                + " docs/decisions/0003-recipes.md). Prints the class distribution per split before and after."
                + " OUT is written atomically and never overlaps SRC; it receives the conversion report, the"
                + " effective recipe (" + Exporter.RECIPE_FILE + ", which replays the export exactly) and, when items"
                + " are repeated, " + Exporter.LISTS_FOLDER + "/SPLIT.txt.")
public final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "The dataset folder to read.")
    Path source;

    @Parameters(index = "1", paramLabel = "OUT", description = "The folder to write (must be empty or absent).")
    Path output;

    @Option(names = "--recipe", paramLabel = "FILE", description = "The recipe (JSON); without it everything is"
            + " exported as it is.")
    Path recipe;

    @Option(names = "--to", paramLabel = "FORMAT", completionCandidates = ConvertCommand.WritableIds.class,
            description = "Target format: ${COMPLETION-CANDIDATES} (default: the source's format).")
    String to;

    @Option(names = "--images", paramLabel = "MODE", description = "copy, link (hard links), symlink or none"
            + " (default: ${DEFAULT-VALUE}).")
    String images = "copy";

    @Option(names = "--seed", paramLabel = "N", description = "Seed for sampling and splits (overrides the"
            + " recipe's; default: the recipe's, else 0).")
    Long seed;

    @Option(names = "--dry-run", description = "Print the before/after distribution and write nothing.")
    boolean dryRun;

    @Option(names = "--no-reindex", description = "Use the catalog as it is when SRC was indexed before (faster;"
            + " only when SRC has not changed since). By default the catalog is brought up to date first.")
    boolean noReindex;

    @Option(names = "--overwrite", description = "Replace OUT when it is not empty.")
    boolean overwrite;

    @Option(names = "--json", description = "Print one JSON object: preview, effective recipe and report.")
    boolean json;

    @Mixin
    CatalogOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The shape {@code --json} prints. */
    public record Summary(boolean dryRun, String format, String output, Recipe recipe, Preview preview,
                          Converter.ReportJson report) {
    }

    @Override
    public Integer call() throws Exception {
        ImageMode mode;
        try {
            mode = ImageMode.valueOf(images.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--images must be copy, link, symlink or none, not '" + images + "'");
        }
        if (!java.nio.file.Files.isDirectory(source)) {
            throw new java.nio.file.NoSuchFileException(source.toString());
        }
        Recipe parsed = recipe == null ? Recipe.EMPTY : Recipe.read(recipe);
        PrintWriter out = spec.commandLine().getOut();
        ProgressTracker tracker = new ProgressTracker();
        Exporter.Result result;
        try (Catalog catalog = Catalog.open(options.catalogFor(source));
             ProgressPrinter printer = new ProgressPrinter(tracker, spec.commandLine().getErr(), !options.quiet)) {
            result = new Exporter().export(source, output, catalog, parsed,
                    new Exporter.Options(options.format, to, mode, overwrite, options.threads, seed, dryRun,
                            !noReindex), tracker);
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
                    new Summary(dryRun, result.format(), result.output().toString(), result.recipe(),
                            result.preview(), result.report() == null ? null : Converter.ReportJson.of(result.report()))));
            return 0;
        }
        print(result.preview(), out);
        if (dryRun) {
            out.println("Dry run: nothing written (would write " + result.format() + " to " + result.output() + ").");
        } else {
            out.println();
            out.print(result.report().toText());
            out.println("Written to " + result.output() + " (recipe with seed " + result.recipe().seed() + " in "
                    + Exporter.RECIPE_FILE + ")");
        }
        return 0;
    }

    /** The funnel, then per split and class: images and annotations before -> after. */
    static void print(Preview p, PrintWriter out) {
        StringBuilder funnel = new StringBuilder();
        for (Preview.Step s : p.steps()) {
            funnel.append(funnel.length() == 0 ? "" : "  ->  ")
                    .append(String.format(Locale.ROOT, "%s %,d/%,d", s.name(), s.images(), s.annotations()));
        }
        out.println("Images/annotations: " + funnel);
        Set<String> splits = new LinkedHashSet<>();
        p.before().forEach(s -> splits.add(s.split()));
        p.after().forEach(s -> splits.add(s.split()));
        out.printf(Locale.ROOT, "%n%-12s %-24s %21s %23s%n", "split", "class", "images before -> after",
                "annotations before -> after");
        for (String split : splits) {
            Preview.SplitCounts before = p.before(split);
            Preview.SplitCounts after = p.after(split);
            String name = split == null ? "(none)" : split;
            out.printf(Locale.ROOT, "%-12s %-24s %,10d -> %,-8d %,10d -> %,-8d%n", name, "(all)",
                    before == null ? 0 : before.images(), after == null ? 0 : after.images(),
                    before == null ? 0 : before.annotations(), after == null ? 0 : after.annotations());
            Map<String, long[]> rows = new LinkedHashMap<>();
            if (before != null) {
                before.classes().forEach(c -> {
                    long[] r = rows.computeIfAbsent(label(c), k -> new long[4]);
                    r[0] = c.images();
                    r[2] = c.instances();
                });
            }
            if (after != null) {
                after.classes().forEach(c -> {
                    long[] r = rows.computeIfAbsent(label(c), k -> new long[4]);
                    r[1] = c.images();
                    r[3] = c.instances();
                });
            }
            rows.forEach((cls, r) -> out.printf(Locale.ROOT, "%-12s %-24s %,10d -> %,-8d %,10d -> %,-8d%n", "", cls,
                    r[0], r[1], r[2], r[3]));
        }
        for (String note : p.notes()) {
            out.println("Note: " + note);
        }
    }

    private static String label(Preview.ClassCount c) {
        return c.name() == null ? "#" + c.id() : c.name();
    }
}
