package loupe.ui.fx;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** A non-modal banner across the top of the window showing {@link Notifications#currentProperty()}. */
public final class NotificationBanner extends VBox {

    public NotificationBanner(Notifications notifications) {
        setId("notificationBanner");
        getStyleClass().add(Styles.BANNER);
        Label message = new Label();
        message.setId("notificationMessage");
        message.setWrapText(true);
        message.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(message, Priority.ALWAYS);
        Hyperlink detailsLink = new Hyperlink("Details");
        detailsLink.setId("notificationDetailsLink");
        Button close = new Button("\u2715");
        close.setId("notificationClose");
        close.getStyleClass().add(Styles.FLAT);
        close.setOnAction(e -> notifications.dismiss());
        HBox line = new HBox(8, message, detailsLink, close);
        line.setAlignment(Pos.CENTER_LEFT);
        TextArea details = new TextArea();
        details.setId("notificationDetails");
        details.setEditable(false);
        details.setWrapText(true);
        details.setPrefRowCount(5);
        details.setVisible(false);
        details.managedProperty().bind(details.visibleProperty());
        detailsLink.setOnAction(e -> details.setVisible(!details.isVisible()));
        getChildren().setAll(line, details);
        notifications.currentProperty().addListener((obs, old, n) -> show(n, message, detailsLink, details));
        show(notifications.getCurrent(), message, detailsLink, details);
    }

    private void show(Notification n, Label message, Hyperlink detailsLink, TextArea details) {
        setVisible(n != null);
        setManaged(n != null);
        getStyleClass().removeAll(Styles.BANNER_ERROR, Styles.BANNER_WARNING);
        if (n == null) {
            return;
        }
        if (n.level() == Notification.Level.ERROR) {
            getStyleClass().add(Styles.BANNER_ERROR);
        } else if (n.level() == Notification.Level.WARNING) {
            getStyleClass().add(Styles.BANNER_WARNING);
        }
        message.setText(n.message());
        details.setText(n.details());
        details.setVisible(false);
        detailsLink.setVisible(!n.details().isEmpty());
    }
}
