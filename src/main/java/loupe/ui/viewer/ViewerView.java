package loupe.ui.viewer;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ToolBar;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;

import loupe.ui.fx.Styles;

/**
 * Placeholder viewer: the selected image scaled to fit, with previous/next buttons. Replaced by the tiled
 * zoom/pan viewer; {@code onPrevious}/{@code onNext} are how it steps through the gallery's filter.
 */
public final class ViewerView extends BorderPane {

    public ViewerView(ViewerViewModel model, Runnable onPrevious, Runnable onNext) {
        setId("viewerView");
        ImageView view = new ImageView();
        view.setId("viewerImage");
        view.setPreserveRatio(true);
        view.setSmooth(true);
        view.imageProperty().bind(model.imageProperty());
        StackPane stage = new StackPane();
        stage.getStyleClass().add("viewer-stage");
        view.fitWidthProperty().bind(stage.widthProperty().subtract(16));
        view.fitHeightProperty().bind(stage.heightProperty().subtract(16));
        stage.setMinSize(0, 0);
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setMaxSize(48, 48);
        spinner.visibleProperty().bind(model.loadingProperty());
        Label message = new Label();
        message.setId("viewerMessage");
        message.getStyleClass().add(Styles.MUTED);
        message.textProperty().bind(model.messageProperty());
        message.visibleProperty().bind(model.messageProperty().isNotEmpty());
        stage.getChildren().setAll(view, spinner, message);
        StackPane.setAlignment(message, Pos.CENTER);
        setCenter(stage);

        Button previous = new Button("\u2190 Previous");
        previous.setId("viewerPrevious");
        previous.setOnAction(e -> onPrevious.run());
        Button next = new Button("Next \u2192");
        next.setId("viewerNext");
        next.setOnAction(e -> onNext.run());
        Label caption = new Label();
        caption.setId("viewerCaption");
        caption.textProperty().bind(model.captionProperty());
        setTop(new ToolBar(previous, next, caption));
        setFocusTraversable(true);
        setOnKeyPressed(e -> {
            switch (e.getCode()) {
                case LEFT, PAGE_UP -> onPrevious.run();
                case RIGHT, PAGE_DOWN, SPACE -> onNext.run();
                default -> {
                    return;
                }
            }
            e.consume();
        });
    }
}
