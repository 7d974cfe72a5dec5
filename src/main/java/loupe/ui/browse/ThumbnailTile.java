package loupe.ui.browse;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

import loupe.core.query.GalleryItem;
import loupe.ui.fx.ClassPalette;
import loupe.ui.fx.Styles;

/**
 * One image of the gallery grid: its thumbnail drawn on a canvas with the boxes over it and a problem badge,
 * and its file name below. Reused for other images as the grid scrolls; a thumbnail that arrives for an image
 * the tile no longer shows is ignored, and the tile cancels the request it no longer needs.
 */
final class ThumbnailTile extends VBox {

    static final double NAME_HEIGHT = 20;
    private static final Color PROBLEM = Color.web("#d32f2f");
    private static final Color UNAVAILABLE = Color.gray(0.55);
    // Looked up once: Font.font goes through the toolkit's font loader on every call, and tiles are painted
    // every frame while the grid scrolls.
    private static final Font NOTE_FONT = Font.font(12);
    private static final Font BADGE_FONT = Font.font(null, FontWeight.BOLD, 11);

    private final GalleryViewModel model;
    private final ThumbnailLoader loader;
    private final Canvas canvas = new Canvas();
    private final Region background = new Region();
    private final Label name = new Label();

    private long index = -1;
    private GalleryItem item;
    private Image image;
    private String unavailable;
    private CompletableFuture<Image> request;

    ThumbnailTile(GalleryViewModel model, ThumbnailLoader loader) {
        this.model = model;
        this.loader = loader;
        getStyleClass().add(Styles.GALLERY_TILE);
        background.getStyleClass().add("gallery-thumb");
        StackPane picture = new StackPane(background, canvas);
        name.getStyleClass().add(Styles.GALLERY_TILE_NAME);
        name.setMaxWidth(Double.MAX_VALUE);
        name.setAlignment(Pos.CENTER);
        name.setPrefHeight(NAME_HEIGHT);
        name.setMinHeight(NAME_HEIGHT);
        getChildren().setAll(picture, name);
        setOnMouseClicked(e -> {
            if (index >= 0) {
                model.select(index);
                if (e.getClickCount() == 2 && onOpen != null) {
                    onOpen.run();
                }
            }
        });
    }

    private Runnable onOpen;

    void setOnOpen(Runnable action) {
        onOpen = action;
    }

    long index() {
        return index;
    }

    GalleryItem item() {
        return item;
    }

    /** Shows the item at {@code newIndex} ({@code newItem} null while its page loads; index -1 for no item). */
    void show(long newIndex, GalleryItem newItem, double size) {
        boolean sameImage = newItem != null && item != null && newItem.path().equals(item.path())
                && newItem.mtime() == item.mtime();
        index = newIndex;
        setVisible(newIndex >= 0);
        resize(size);
        if (!sameImage) {
            cancel();
            item = newItem;
            image = null;
            unavailable = null;
            if (newItem != null) {
                requestThumbnail(newItem);
            }
        } else {
            item = newItem;
            if (image == null && request == null && unavailable == null) {
                requestThumbnail(newItem); // its request was cancelled while the row was briefly empty
            }
        }
        name.setText(newItem == null ? "" : newItem.fileName());
        markSelected(newIndex >= 0 && newIndex == model.getSelectedIndex());
        paint();
    }

    void markSelected(boolean selected) {
        if (selected) {
            if (!getStyleClass().contains(Styles.SELECTED)) {
                getStyleClass().add(Styles.SELECTED);
            }
        } else {
            getStyleClass().remove(Styles.SELECTED);
        }
    }

    private void resize(double size) {
        if (canvas.getWidth() != size) {
            canvas.setWidth(size);
            canvas.setHeight(size);
            background.setPrefSize(size, size);
            background.setMinSize(size, size);
            background.setMaxSize(size, size);
            setPrefWidth(size);
            setMaxWidth(size);
        }
    }

    private void requestThumbnail(GalleryItem target) {
        Path root = model.getRoot();
        if (root == null) {
            return;
        }
        if (!target.present()) {
            unavailable = "missing file";
            return;
        }
        CompletableFuture<Image> future = loader.load(root.resolve(target.path()), target.size(), target.mtime(),
                target.orientation());
        if (future.isDone() && !future.isCompletedExceptionally()) {
            image = future.join();
            return;
        }
        request = future;
        // Delivered in batches: the thumbnails that finish while the FX thread lays out the first rows are all
        // painted in the next frame, one event for all of them.
        future.whenComplete((img, error) -> FxBatch.FX.post(() -> {
            // The tile moved to another image if its request changed (the item object itself may be a fresh copy
            // of the same image from a page read again, so it is not compared).
            if (request != future) {
                return;
            }
            request = null;
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                unavailable = cause instanceof ThumbnailLoader.Unavailable ? cause.getMessage() : null;
            } else {
                image = img;
            }
            paint();
        }));
    }

    void cancel() {
        if (request != null) {
            request.cancel(false);
            request = null;
        }
    }

    /** True when this tile shows its image (for tests). */
    boolean hasImage() {
        return image != null;
    }

    void paint() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double s = canvas.getWidth();
        g.clearRect(0, 0, s, s);
        if (item == null) {
            return;
        }
        if (image != null) {
            double iw = image.getWidth();
            double ih = image.getHeight();
            double k = Math.min(s / iw, s / ih);
            double w = iw * k;
            double h = ih * k;
            double x = (s - w) / 2;
            double y = (s - h) / 2;
            g.drawImage(image, x, y, w, h);
            if (model.showBoxesProperty().get() && !item.boxes().isEmpty()) {
                paintBoxes(g, x, y, w, h);
            }
        } else if (unavailable != null) {
            g.setFill(UNAVAILABLE);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.setFont(NOTE_FONT);
            g.fillText(unavailable, s / 2, s / 2);
        }
        if (item.problems() > 0 || !item.present()) {
            paintBadge(g, s, item.problems());
        }
    }

    private void paintBoxes(GraphicsContext g, double x, double y, double w, double h) {
        g.setLineWidth(1.5);
        for (GalleryItem.Box b : item.boxes()) {
            double[] r = TileGeometry.boxOnThumbnail(item, b.box(), image.getWidth(), image.getHeight(), x, y, w, h);
            g.setStroke(ClassPalette.colour(b.classId()));
            g.strokeRect(r[0], r[1], r[2] - r[0], r[3] - r[1]);
        }
    }

    private static void paintBadge(GraphicsContext g, double s, int problems) {
        String text = problems > 99 ? "99+" : problems > 0 ? String.valueOf(problems) : "!";
        double d = text.length() > 1 ? 26 : 20;
        double x = s - d - 4;
        double y = 4;
        g.setFill(PROBLEM);
        g.fillRoundRect(x, y, d, 20, 20, 20);
        g.setFill(Color.WHITE);
        g.setFont(BADGE_FONT);
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(text, x + d / 2, y + 10);
    }
}
