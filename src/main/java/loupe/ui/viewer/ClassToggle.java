package loupe.ui.viewer;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;

/** A class of the open image with its annotation count and whether its annotations are drawn. */
public final class ClassToggle {

    private final int id;
    private final String name;
    private final int count;
    private final BooleanProperty visible;

    public ClassToggle(int id, String name, int count, boolean visible) {
        this.id = id;
        this.name = name;
        this.count = count;
        this.visible = new SimpleBooleanProperty(this, "visible", visible);
    }

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public int count() {
        return count;
    }

    public BooleanProperty visibleProperty() {
        return visible;
    }

    public boolean isVisible() {
        return visible.get();
    }

    public void setVisible(boolean value) {
        visible.set(value);
    }

    @Override
    public String toString() {
        return name + " (" + count + ")";
    }
}
