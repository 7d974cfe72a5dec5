package loupe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.index.Catalog;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Validation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loupe validate DIR [--strict]}: the problems only, by kind; a distinct exit code for CI. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"List the problems of a dataset, grouped by kind with counts. Indexes first "
                + "(incrementally: only changed files are read again), so the result is always current."},
        footer = {"", "Exit codes: 0 no problem (or problems without --strict), 1 failure, 2 usage error,",
            "3 --strict and problems of severity WARNING or ERROR exist. INFO problems (an image without",
            "annotations) never fail --strict."})
public final class ValidateCommand implements Callable<Integer> {

    /** Exit code of {@code --strict} when problems of severity WARNING or ERROR exist. */
    static final int STRICT_FAILURE = 3;

    @Parameters(index = "0", paramLabel = "DIR", description = "The dataset folder.")
    Path root;

    @Option(names = "--strict", description = "Exit with 3 when problems of severity WARNING or ERROR exist.")
    boolean strict;

    @Option(names = "--split", paramLabel = "S", description = "Only this split.")
    String split;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--per-kind", paramLabel = "N",
            description = "List at most N problems of each kind (default: ${DEFAULT-VALUE}); counts cover all.")
    int perKind = 10;

    @Mixin
    CatalogOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString());
        }
        if (perKind < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--per-kind must not be negative");
        }
        PrintWriter out = spec.commandLine().getOut();
        Validation v;
        try (Catalog catalog = Catalog.open(options.catalogFor(root))) {
            IndexCommand.run(catalog, root, options, spec.commandLine().getErr());
            v = Validation.of(catalog, split, perKind);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("root", v.root());
            doc.put("format", v.format());
            doc.put("split", v.split());
            doc.put("clean", v.clean());
            doc.put("strict", strict);
            doc.put("passes", !(strict && v.failsStrict()));
            doc.put("errors", v.errors());
            doc.put("warnings", v.warnings());
            doc.put("infos", v.infos());
            doc.put("kinds", v.kinds());
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else {
            print(v, out);
        }
        return strict && v.failsStrict() ? STRICT_FAILURE : 0;
    }

    private static void print(Validation v, PrintWriter out) {
        out.printf(Locale.ROOT, "%s (%s)%s: ", v.root(), v.format(), v.split() == null ? "" : ", split " + v.split());
        if (v.clean()) {
            out.println("no problems");
            return;
        }
        out.printf(Locale.ROOT, "%,d problems (%,d errors, %,d warnings, %,d info)%n", v.errors() + v.warnings()
                + v.infos(), v.errors(), v.warnings(), v.infos());
        for (Validation.Kind k : v.kinds()) {
            out.println();
            out.printf(Locale.ROOT, "%-7s %s: %,d%n", k.severity(), k.kind(), k.count());
            for (DatasetStats.ProblemEntry p : k.problems()) {
                out.printf(Locale.ROOT, "  %s%s: %s%n", p.path(),
                        p.location() == null || p.location().isEmpty() ? "" : " (" + p.location() + ")", p.message());
            }
            if (k.count() > k.problems().size()) {
                out.printf(Locale.ROOT, "  ... %,d more%n", k.count() - k.problems().size());
            }
        }
    }
}
