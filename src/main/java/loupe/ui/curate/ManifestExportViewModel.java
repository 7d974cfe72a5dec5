package loupe.ui.curate;

import java.nio.file.Path;
import java.util.Locale;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;

import loupe.core.export.ManifestFormat;
import loupe.core.export.ManifestWriter;
import loupe.core.index.Catalog;
import loupe.core.task.Job;
import loupe.ui.fx.JobRunner;

/**
 * A manifest of the dataset's images ({@link ManifestWriter}): CSV, JSON Lines or Parquet, in path order or in a
 * seeded shuffle. The output is a file; changing the format changes its extension.
 */
// NOTE: ManifestWriter lists the whole catalog, not the recipe's selection (it has no selection input yet), and
// uses the catalog's own connection, which is not thread-safe: nothing else should query the catalog meanwhile.
public final class ManifestExportViewModel extends ExportViewModel {

    private final ObjectProperty<ManifestFormat> format = new SimpleObjectProperty<>(this, "format", ManifestFormat.CSV);
    private final BooleanProperty shuffle = new SimpleBooleanProperty(this, "shuffle", false);
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);

    public ManifestExportViewModel(JobRunner runner, Catalog catalog, Path sourceRoot) {
        super("Write manifest", runner, catalog, sourceRoot);
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
        return job(progress -> {
            ManifestWriter.Result r = new ManifestWriter().write(catalog, output, options, progress);
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
