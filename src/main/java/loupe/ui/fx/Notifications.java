package loupe.ui.fx;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The notification the window shows (at most one; a newer one replaces it). View models post here instead of
 * opening dialogs; {@link NotificationBanner} shows it. FX thread only.
 */
public final class Notifications {

    private final ReadOnlyObjectWrapper<Notification> current = new ReadOnlyObjectWrapper<>(this, "current");

    public void post(Notification notification) {
        current.set(notification);
    }

    public void dismiss() {
        current.set(null);
    }

    /** The notification shown, or null. */
    public ReadOnlyObjectProperty<Notification> currentProperty() {
        return current.getReadOnlyProperty();
    }

    public Notification getCurrent() {
        return current.get();
    }
}
