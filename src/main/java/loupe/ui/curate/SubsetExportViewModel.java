package loupe.ui.curate;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import loupe.core.curation.Exporter;
import loupe.core.curation.Recipe;
import loupe.core.formats.ConversionReport;
import loupe.core.formats.Formats;
import loupe.core.formats.ImageMode;
import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.task.Job;
import loupe.ui.fx.JobRunner;

/**
 * Export of the subset the current recipe selects ({@link Exporter}): target format, what to do with the image
 * files, output folder. The catalog is trusted as indexed (the app has just indexed it).
 */
public final class SubsetExportViewModel extends ExportViewModel {

    private final Supplier<Recipe> recipe;
    private final StringProperty format = new SimpleStringProperty(this, "format");
    private final ObjectProperty<ImageMode> images = new SimpleObjectProperty<>(this, "images", ImageMode.COPY);

    /**
     * @param recipe        the recipe to export, read on the FX thread when the export starts
     * @param sourceFormat  the dataset's format id, preselected when writable (else the first writable format)
     */
    public SubsetExportViewModel(JobRunner runner, Catalog catalog, Path sourceRoot, String sourceFormat,
                                 Supplier<Recipe> recipe) {
        super("Export subset", runner, catalog, sourceRoot);
        this.recipe = Objects.requireNonNull(recipe);
        List<String> writable = formats();
        format.set(sourceFormat != null && writable.contains(sourceFormat) ? sourceFormat
                : writable.isEmpty() ? null : writable.get(0));
        outputProperty().set(besideSource("-subset"));
    }

    /** The formats Loupe can write. */
    public static List<String> formats() {
        return Formats.writableIds();
    }

    @Override
    public String validate() {
        if (format.get() == null || !formats().contains(format.get())) {
            return "Choose an output format.";
        }
        if (images.get() == null) {
            return "Choose what to do with the images.";
        }
        return super.validate();
    }

    @Override
    protected Job<Outcome> createJob(Path output) {
        Recipe r = recipe.get();
        Exporter.Options options = new Exporter.Options(null, format.get(), images.get(), false,
                IndexOptions.defaultThreads(), null, false, false);
        Path root = sourceRoot;
        String mode = images.get().name().toLowerCase(Locale.ROOT); // read here: the job runs off the FX thread
        return job(progress -> {
            Exporter.Result result = new Exporter().export(root, output, catalog, r, options, progress);
            ConversionReport report = result.report();
            String losses = report.losses().isEmpty() ? "" : "; " + report.losses().stream()
                    .mapToLong(ConversionReport.Loss::count).sum() + " things the format cannot hold (see "
                    + loupe.core.export.Converter.REPORT_FILE + ")";
            return new Outcome(String.format(Locale.ROOT, "Wrote %,d images and %,d annotations as %s (images: %s)%s.",
                    report.imagesOut(), report.annotationsOut(), result.format(),
                    mode, losses), result.output());
        });
    }

    /** The target format id. */
    public StringProperty formatProperty() {
        return format;
    }

    /** Copy, hard-link, symlink or leave out the image files. */
    public ObjectProperty<ImageMode> imagesProperty() {
        return images;
    }
}
