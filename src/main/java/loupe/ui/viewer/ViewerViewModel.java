package loupe.ui.viewer;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.image.Image;

import loupe.core.query.GalleryItem;
import loupe.core.thumbs.ThumbnailService;
import loupe.ui.fx.FxImages;

/**
 * The viewer's state: which image it shows and that image, decoded in the background at a screen-sized
 * resolution (subsampled by the reader, like a thumbnail, so a big file is not decoded whole). FX thread only;
 * decoding runs on {@code background}, results come back through {@code fx}; a result for an image that is no
 * longer shown is dropped.
 */
public final class ViewerViewModel {

    /** Longest side the placeholder viewer decodes to. */
    static final int VIEW_SIZE_PX = 2048;

    private final Executor background;
    private final Executor fx;
    private final ThumbnailService decoder = new ThumbnailService(Path.of("unused"), VIEW_SIZE_PX);

    private final ReadOnlyObjectWrapper<GalleryItem> item = new ReadOnlyObjectWrapper<>(this, "item");
    private final ReadOnlyObjectWrapper<Image> image = new ReadOnlyObjectWrapper<>(this, "image");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "No image selected");
    private final ReadOnlyStringWrapper caption = new ReadOnlyStringWrapper(this, "caption", "");
    private long generation;

    public ViewerViewModel(Executor background, Executor fx) {
        this.background = background;
        this.fx = fx;
    }

    /** Shows {@code shown} (an image under {@code root}), or nothing when null. */
    public void show(Path root, GalleryItem shown) {
        long gen = ++generation;
        item.set(shown);
        image.set(null);
        if (shown == null || root == null) {
            loading.set(false);
            caption.set("");
            message.set("No image selected");
            return;
        }
        caption.set(String.format(Locale.ROOT, "%s \u00b7 %d\u00d7%d px \u00b7 %d %s%s", shown.path(),
                shown.width(), shown.height(), shown.boxCount(), shown.boxCount() == 1 ? "box" : "boxes",
                shown.problems() == 0 ? "" : " \u00b7 " + shown.problems()
                        + (shown.problems() == 1 ? " problem" : " problems")));
        if (!shown.present()) {
            loading.set(false);
            message.set("The image file is missing");
            return;
        }
        loading.set(true);
        message.set("");
        Path file = root.resolve(shown.path());
        CompletableFuture.supplyAsync(() -> {
            try {
                return FxImages.toFx(decoder.generate(file));
            } catch (java.io.IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background).whenCompleteAsync((img, error) -> {
            if (gen != generation) {
                return;
            }
            loading.set(false);
            if (error != null) {
                message.set("Cannot read this image: " + (error.getCause() != null ? error.getCause().getMessage()
                        : error.getMessage()));
            } else {
                image.set(img);
            }
        }, fx);
    }

    public ReadOnlyObjectProperty<GalleryItem> itemProperty() {
        return item.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Image> imageProperty() {
        return image.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** Why no image is shown ("No image selected", "The image file is missing" ...); empty when one is. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** "images/train/a.jpg · 640×480 px · 3 boxes". */
    public ReadOnlyStringProperty captionProperty() {
        return caption.getReadOnlyProperty();
    }
}
