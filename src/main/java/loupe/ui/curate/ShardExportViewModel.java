package loupe.ui.curate;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import loupe.core.curation.CurationSession;
import loupe.core.curation.Recipe;
import loupe.core.export.ShardSize;
import loupe.core.export.ShardWriter;
import loupe.core.index.Catalog;
import loupe.core.task.Job;
import loupe.ui.fx.JobRunner;

/**
 * WebDataset-style tar shards ({@link ShardWriter}) of what the current recipe selects (its items with their new
 * labels and splits, a repeated item once per repeat), or without a recipe of every image: shard size as bytes
 * ("256MB") or an item count ("1000"), optionally shuffled with a seed.
 */
// NOTE: like the manifest, the writer reads the catalog's meta on the catalog's connection; the recipe is
// evaluated on a session of its own.
public final class ShardExportViewModel extends ExportViewModel {

    private final StringProperty shardSize = new SimpleStringProperty(this, "shardSize", "256MB");
    private final BooleanProperty shuffle = new SimpleBooleanProperty(this, "shuffle", false);
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);
    private final Supplier<Recipe> recipe;

    /** Shards of every image of the dataset. */
    public ShardExportViewModel(JobRunner runner, Catalog catalog, Path sourceRoot) {
        this(runner, catalog, sourceRoot, null);
    }

    /**
     * @param recipe the recipe whose selection to write, read on the FX thread when the export starts (it may
     *               give null: every image); null for every image
     */
    public ShardExportViewModel(JobRunner runner, Catalog catalog, Path sourceRoot, Supplier<Recipe> recipe) {
        super("Write shards", runner, catalog, sourceRoot);
        this.recipe = recipe;
        outputProperty().set(besideSource("-shards"));
    }

    /** True when the shards hold a recipe's selection rather than the whole dataset. */
    public boolean usesRecipe() {
        return recipe != null;
    }

    @Override
    public String validate() {
        try {
            ShardSize.parse(shardSize.get() == null ? "" : shardSize.get());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return super.validate();
    }

    @Override
    protected Job<Outcome> createJob(Path output) {
        ShardWriter.Options options = new ShardWriter.Options(ShardSize.parse(shardSize.get()),
                shuffle.get() ? seed.get() : null, null, false);
        Recipe r0 = recipe == null ? null : recipe.get();
        return job(progress -> {
            ShardWriter.Result r;
            if (r0 == null) {
                r = new ShardWriter().write(catalog, output, options, progress);
            } else {
                try (CurationSession session = CurationSession.open(catalog)) {
                    session.evaluate(r0.effective(null), progress);
                    r = new ShardWriter().write(catalog, session.exportSelection(), output, options, progress);
                }
            }
            long skipped = r.skippedMissing() + r.skippedCorrupt();
            return new Outcome(String.format(Locale.ROOT, "Wrote %,d samples (%,d bytes) into %d shards with %s%s.",
                    r.items(), r.bytes(), r.shards().size(), ShardWriter.INDEX_FILE,
                    skipped == 0 ? "" : String.format(Locale.ROOT, "; skipped %,d missing and %,d corrupt images",
                            r.skippedMissing(), r.skippedCorrupt())), Path.of(r.output()));
        });
    }

    /** "256MB", "1GiB" or an item count such as "1000". */
    public StringProperty shardSizeProperty() {
        return shardSize;
    }

    public BooleanProperty shuffleProperty() {
        return shuffle;
    }

    public LongProperty seedProperty() {
        return seed;
    }
}
