package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.index.Catalog;
import loupe.core.stats.BoxStats;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.ImageSummary;
import loupe.core.stats.Imbalance;
import loupe.core.stats.ProblemKinds;
import loupe.core.stats.SplitShift;
import loupe.core.stats.Statistics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loupe stats DIR}: class balance, box and image statistics and problems, from the catalog. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Show images, annotations and classes per split, class imbalance, box and image "
                + "statistics and the problems found. Reads the catalog; indexes first when the folder has not "
                + "been indexed.",
            "Imbalance metrics count instances of the classes that have any: max/min ratio, normalized "
                + "Shannon entropy (1 = balanced), Gini coefficient (0 = balanced), effective number of "
                + "classes (exp of the entropy). Split shift is the total variation distance of class shares.",
            "Box medians are exact up to 100,000 annotations; above, they come from 64-per-octave bins and are "
                + "within 1.1% of the exact value (counts, min, max and means are always exact)."})
public final class StatsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The dataset folder.")
    Path root;

    @Option(names = "--split", paramLabel = "S", description = "Only this split.")
    String split;

    @Option(names = "--json", description = "Print one JSON object with every statistic.")
    boolean json;

    @Option(names = "--reindex", description = "Re-index (incrementally) before reporting (implied by --hashes, "
            + "--deep, --near-distance, --max-pixels and --format).")
    boolean reindex;

    @Option(names = "--max-problems", paramLabel = "N", description = "List at most N problems (default: ${DEFAULT-VALUE}).")
    int maxProblems = 1000;

    @Option(names = "--few-samples", paramLabel = "N",
            description = "Classes with fewer than N instances are listed as having few samples "
                    + "(default: ${DEFAULT-VALUE}).")
    int fewSamples = Statistics.DEFAULT_FEW_SAMPLES;

    @Option(names = "--timing", description = "Print the time the statistics took (not the indexing) on stderr.")
    boolean timing;

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
        if (fewSamples < 0 || maxProblems < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--few-samples and --max-problems must not be negative");
        }
        try (Catalog catalog = Catalog.open(options.catalogFor(root))) {
            if (reindex || !catalog.isIndexed() || options.changesIndex()) {
                IndexCommand.run(catalog, root, options, spec.commandLine().getErr());
            }
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            DatasetStats stats = Statistics.compute(catalog, split, maxProblems, fewSamples);
            if (timing) {
                // CPU time of the whole process (DuckDB's threads included) says how much work it was, which
                // wall time on a busy machine does not.
                spec.commandLine().getErr().printf(Locale.ROOT, "statistics: %.1f ms (process CPU %.1f ms)%n",
                        (System.nanoTime() - t0) / 1e6, (processCpuNanos() - cpu0) / 1e6);
                spec.commandLine().getErr().flush();
            }
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(stats));
            } else {
                print(stats, out);
            }
        }
        return 0;
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static String num(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.3g", d);
    }

    /** "3: 1,200, 1: 4, unknown: 2" (values named by {@code name} when given). */
    static String values(java.util.List<ImageSummary.ValueCount> counts,
                         java.util.function.IntFunction<String> name) {
        if (counts.isEmpty()) {
            return "-";
        }
        return counts.stream().map(c -> (c.value() == null ? "unknown" : name == null ? String.valueOf(c.value())
                : c.value() + " (" + name.apply(c.value()) + ")") + ": " + String.format(Locale.ROOT, "%,d",
                c.images())).collect(Collectors.joining(", "));
    }

    static void print(DatasetStats s, PrintWriter out) {
        out.printf(Locale.ROOT, "%s (%s)%s%n", s.root(), s.format(), s.split() == null ? "" : ", split " + s.split());
        out.printf(Locale.ROOT, "%,d images, %,d annotations, %,d classes%n%n", s.images(), s.annotations(),
                s.classes().size());
        out.printf(Locale.ROOT, "%6s  %-28s %12s %7s %10s %7s%n", "id", "class", "instances", "share", "images",
                "images%");
        for (int i = 0; i < s.classes().size(); i++) {
            DatasetStats.ClassCount c = s.classes().get(i);
            DatasetStats.ClassShare sh = s.classShares().get(i);
            out.printf(Locale.ROOT, "%6d  %-28s %,12d %7s %,10d %7s%n", c.id(), c.name(), c.instances(),
                    pct(sh.instanceShare()), c.images(), pct(sh.imageShare()));
        }
        Imbalance m = s.imbalance();
        out.println();
        out.printf(Locale.ROOT, "Imbalance over %d classes with instances%s: max/min %s, normalized entropy %s, "
                        + "Gini %s, effective classes %s%n", m.classes(),
                m.unusedClasses() > 0 ? " (" + m.unusedClasses() + " unused)" : "", num(m.maxMinRatio()),
                num(m.normalizedEntropy()), num(m.gini()), num(m.effectiveClasses()));
        DatasetStats.FewSamples few = s.fewSamples();
        if (!few.classes().isEmpty()) {
            out.printf(Locale.ROOT, "Few samples (< %d instances): %s%n", few.threshold(), few.classes().stream()
                    .limit(20).map(c -> c.name() + " (" + c.instances() + ")").collect(Collectors.joining(", "))
                    + (few.classes().size() > 20 ? ", ... " + (few.classes().size() - 20) + " more" : ""));
        }
        if (!s.splits().isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "%-16s %10s %12s %12s %8s  %s%n", "split", "images", "annotations",
                    "norm.entropy", "TVD/all", "absent classes");
            for (DatasetStats.SplitCount sp : s.splits()) {
                Double tv = s.splitShift().stream().filter(x -> x.split().equals(sp.name())
                        && x.reference().equals("all")).findFirst().map(SplitShift::totalVariation).orElse(null);
                out.printf(Locale.ROOT, "%-16s %,10d %,12d %12s %8s  %s%n", sp.name(), sp.images(), sp.annotations(),
                        num(sp.imbalance().normalizedEntropy()), num(tv), sp.absentClasses().isEmpty() ? "-"
                                : sp.absentClasses().stream().limit(10).map(DatasetStats.ClassRef::name)
                                .collect(Collectors.joining(", ")) + (sp.absentClasses().size() > 10
                                ? ", ... " + (sp.absentClasses().size() - 10) + " more" : ""));
            }
        }
        BoxStats b = s.boxes();
        out.println();
        long valid = b.boxes() - b.invalid();
        out.printf(Locale.ROOT, "Boxes: %,d (%,d of zero or negative size), small %s, medium %s, large %s; "
                        + "median %s x %s px; touching the border %,d%n", b.boxes(), b.invalid(),
                pct(valid == 0 ? 0 : (double) b.small() / valid), pct(valid == 0 ? 0 : (double) b.medium() / valid),
                pct(valid == 0 ? 0 : (double) b.large() / valid), num(b.width().median()), num(b.height().median()),
                b.touchingBorder());
        ImageSummary im = s.imagesSummary();
        out.printf(Locale.ROOT, "Images: %,d (%,d missing, %,d without annotations), median %s x %s px, %,d distinct "
                        + "sizes, %s; %,.1f MB%n", im.images(), im.missing(), im.withoutAnnotations(),
                num(im.width().median()), num(im.height().median()), im.distinctSizes(), im.formats().stream()
                        .map(f -> f.format() + " " + String.format(Locale.ROOT, "%,d", f.images()))
                        .collect(Collectors.joining(", ")), im.totalBytes() / 1e6);
        out.printf(Locale.ROOT, "Channels: %s; bit depth: %s; EXIF orientation: %s%n", values(im.channels(), null),
                values(im.bitDepths(), null), values(im.orientations(), ProblemKinds::orientation));
        out.println();
        out.printf(Locale.ROOT, "%,d problems%s%n", s.problemCount(), s.problemCount() > s.problems().size()
                ? " (first " + s.problems().size() + " below)" : "");
        for (DatasetStats.KindCount k : s.problemsByKind()) {
            out.printf(Locale.ROOT, "  %-7s %-26s %,9d  %s%n", k.severity(), k.kind(), k.count(),
                    ProblemKinds.meaning(k.kind()));
        }
        if (!s.problems().isEmpty()) {
            out.println();
        }
        for (DatasetStats.ProblemEntry p : s.problems()) {
            out.printf(Locale.ROOT, "  %-7s %-26s %s%s: %s%n", p.severity(), p.kind(), p.path(),
                    p.location() == null || p.location().isEmpty() ? "" : " (" + p.location() + ")", p.message());
        }
    }
}
