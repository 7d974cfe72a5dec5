package loupe.ui.curate;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;

import loupe.core.curation.CurationSession;
import loupe.core.curation.Recipe;
import loupe.core.export.ManifestFormat;
import loupe.core.export.ManifestWriter;
import loupe.core.index.Catalog;
import loupe.core.task.Job;
import loupe.ui.fx.JobRunner;

/**
 * A manifest ({@link ManifestWriter}) of what the current recipe selects: its items with their renamed and merged
 * labels and their splits, a repeated item once per repeat; CSV, JSON Lines or Parquet, in path order or in a
 * seeded shuffle. Without a recipe, every image of the dataset. The output is a file; changing the format changes
 * its extension.
 */
// NOTE: ManifestWriter reads the catalog's meta and content hashes on the catalog's own connection, which is not
// thread-safe: nothing else should query the catalog meanwhile. The recipe is evaluated on a session of its own.
public final class ManifestExportViewModel extends ExportViewModel {

    private final ObjectProperty<ManifestFormat> format = new SimpleObjectProperty<>(this, "format", ManifestFormat.CSV);
    private final BooleanProperty shuffle = new SimpleBooleanProperty(this, "shuffle", false);
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);
    private final Supplier<Recipe> recipe;

    /** A manifest of every image of the dataset. */
    public ManifestExportViewModel(JobRunner runner, Catalog catalog, Path sourceRoot) {
        this(runner, catalog, sourceRoot, null);
    }

    /**
     * @param recipe the recipe whose selection to list, read on the FX thread when the export starts (it may give
     *               null: every image); null for every image
     */
    public ManifestExportViewModel(JobRunner runner, Catalog catalog, Path sourceRoot, Supplier<Recipe> recipe) {
        super("Write manifest", runner, catalog, sourceRoot);
        this.recipe = recipe;
        outputProperty().set(besideSource("-manifest.csv"));
        format.addListener((o, a, b) -> {
            Path out = outputProperty().get();
            if (out != null && b != null) {
                String name = out.getFileName().toString();
                int dot = name.lastIndexOf('.');
                String stem = dot > 0 && ManifestFormat.fromFileName(out).isPresent() ? name.substring(0, dot) : name;
                outputProperty().set(out.resolveSibling(stem + "." + b.id()));
            }
        });
    }

    /** True when the manifest lists a recipe's selection rather than the whole dataset. */
    public boolean usesRecipe() {
        return recipe != null;
    }

    @Override
    public String outputKind() {
        return "file";
    }

    @Override
    public String validate() {
        if (format.get() == null) {
            return "Choose a manifest format.";
        }
        return super.validate();
    }

    @Override
    protected Job<Outcome> createJob(Path output) {
        ManifestWriter.Options options = new ManifestWriter.Options(format.get(), shuffle.get() ? seed.get() : null,
                0, null, false);
        Recipe r0 = recipe == null ? null : recipe.get();
        return job(progress -> {
            ManifestWriter.Result r;
            if (r0 == null) {
                r = new ManifestWriter().write(catalog, output, options, progress);
            } else {
                try (CurationSession session = CurationSession.open(catalog)) {
                    session.evaluate(r0.effective(null), progress);
                    r = new ManifestWriter().write(catalog, session.exportSelection(), output, options, progress);
                }
            }
            return new Outcome(String.format(Locale.ROOT, "Wrote %,d rows (%,d bytes) as %s to %s%s.", r.rows(),
                    r.bytes(), r.format(), r.file(), r.shuffleSeed() == null ? ""
                            : ", shuffled with seed " + r.shuffleSeed()),
                    Path.of(r.file()).toAbsolutePath().getParent());
        });
    }

    public ObjectProperty<ManifestFormat> formatProperty() {
        return format;
    }

    /** Whether rows are shuffled (deterministically, with {@link #seedProperty()}). */
    public BooleanProperty shuffleProperty() {
        return shuffle;
    }

    public LongProperty seedProperty() {
        return seed;
    }
}
