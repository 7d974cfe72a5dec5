package loupe.ui.curate;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import loupe.core.export.ChipOptions;
import loupe.core.export.ChipReport;
import loupe.core.export.Chipper;
import loupe.core.index.Catalog;
import loupe.core.task.Job;
import loupe.ui.fx.JobRunner;

/**
 * Chipping of the dataset's images into tiles ({@link Chipper}): chip size, overlap, minimum visibility of a cut
 * box, a cap on empty chips, output format, chip image format and quality.
 */
// NOTE: Chipper brings the catalog up to date (incremental indexing) before chipping, so it writes to the
// catalog; the main window should not index the same catalog at the same time.
public final class ChipExportViewModel extends ExportViewModel {

    private final IntegerProperty size = new SimpleIntegerProperty(this, "size", 1024);
    private final IntegerProperty overlap = new SimpleIntegerProperty(this, "overlap", 0);
    private final DoubleProperty minVisibility = new SimpleDoubleProperty(this, "minVisibility", 0.5);
    private final BooleanProperty capEmpty = new SimpleBooleanProperty(this, "capEmpty", false);
    private final DoubleProperty emptyRatio = new SimpleDoubleProperty(this, "emptyRatio", 1.0);
    private final StringProperty format = new SimpleStringProperty(this, "format", "coco");
    private final StringProperty imageFormat = new SimpleStringProperty(this, "imageFormat", "jpg");
    private final IntegerProperty quality = new SimpleIntegerProperty(this, "quality", 90);

    public ChipExportViewModel(JobRunner runner, Catalog catalog, Path sourceRoot) {
        super("Export chips", runner, catalog, sourceRoot);
        outputProperty().set(besideSource("-chips"));
    }

    /** The chip image formats. */
    public static List<String> imageFormats() {
        return List.of("jpg", "png");
    }

    /** The options as the core takes them; throws IllegalArgumentException with a message for users. */
    public ChipOptions options() {
        if (overlap.get() < 0 || overlap.get() >= size.get()) {
            throw new IllegalArgumentException("Overlap must be 0 to " + (size.get() - 1) + " px (less than the chip size).");
        }
        return ChipOptions.defaults()
                .withSize(size.get(), size.get() - overlap.get())
                .withMinVisibility(minVisibility.get())
                .withEmptyRatio(capEmpty.get() ? emptyRatio.get() : -1, 0)
                .withOutput(format.get(), imageFormat.get(), quality.get(), "csv");
    }

    @Override
    public String validate() {
        if (size.get() < 1) {
            return "The chip size must be at least 1 px.";
        }
        try {
            options();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return super.validate();
    }

    @Override
    protected Job<Outcome> createJob(Path output) {
        ChipOptions options = options();
        Path root = sourceRoot;
        return job(progress -> {
            ChipReport r = new Chipper().chip(root, output, catalog, options, progress);
            return new Outcome(String.format(Locale.ROOT,
                    "Wrote %,d chips (%,d with annotations, %,d empty; %,d empty left out) from %,d of %,d images,"
                            + " %,d annotations kept and %,d pieces dropped, in %.1f s. Chip list: %s.",
                    r.chips(), r.nonEmptyChips(), r.emptyChips(), r.emptyChipsDropped(), r.imagesChipped(),
                    r.sourceImages(), r.annotationsKept(), r.annotationsDropped(), r.seconds(), r.manifest()),
                    Path.of(r.output()));
        });
    }

    /** Chip side in pixels. */
    public IntegerProperty sizeProperty() {
        return size;
    }

    /** Pixels shared by neighbouring chips (0 to size - 1). */
    public IntegerProperty overlapProperty() {
        return overlap;
    }

    /** 0..1: a cut box is kept when at least this fraction of it is inside the chip. */
    public DoubleProperty minVisibilityProperty() {
        return minVisibility;
    }

    /** Whether empty chips are capped at {@link #emptyRatioProperty()} per non-empty chip. */
    public BooleanProperty capEmptyProperty() {
        return capEmpty;
    }

    public DoubleProperty emptyRatioProperty() {
        return emptyRatio;
    }

    /** The output dataset format. */
    public StringProperty formatProperty() {
        return format;
    }

    /** "jpg" or "png". */
    public StringProperty imageFormatProperty() {
        return imageFormat;
    }

    /** JPEG quality 1..100. */
    public IntegerProperty qualityProperty() {
        return quality;
    }
}
