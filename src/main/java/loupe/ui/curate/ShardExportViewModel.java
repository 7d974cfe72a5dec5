package loupe.ui.curate;

import java.nio.file.Path;
import java.util.Locale;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import loupe.core.export.ShardSize;
import loupe.core.export.ShardWriter;
import loupe.core.index.Catalog;
import loupe.core.task.Job;
import loupe.ui.fx.JobRunner;

/**
 * WebDataset-style tar shards of the dataset ({@link ShardWriter}): shard size as bytes ("256MB") or an item
 * count ("1000"), optionally shuffled with a seed.
 */
// NOTE: like the manifest, shards cover the whole catalog, not the recipe's selection, and use the catalog's
// connection.
public final class ShardExportViewModel extends ExportViewModel {

    private final StringProperty shardSize = new SimpleStringProperty(this, "shardSize", "256MB");
    private final BooleanProperty shuffle = new SimpleBooleanProperty(this, "shuffle", false);
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);

    public ShardExportViewModel(JobRunner runner, Catalog catalog, Path sourceRoot) {
        super("Write shards", runner, catalog, sourceRoot);
        outputProperty().set(besideSource("-shards"));
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
        return job(progress -> {
            ShardWriter.Result r = new ShardWriter().write(catalog, output, options, progress);
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
