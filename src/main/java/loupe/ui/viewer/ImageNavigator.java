package loupe.ui.viewer;

import java.util.List;
import java.util.Optional;

/**
 * Where next/previous lead: supplied by the caller (the gallery's current filter, say), so the viewer steps through
 * exactly what the user sees listed. Implementations keep their own position; called on the FX thread, so they must
 * answer from memory (no catalog query per key press).
 */
public interface ImageNavigator {

    /** The image after the current one, which becomes current; empty at the end. */
    Optional<ViewerItem> next();

    /** The image before the current one, which becomes current; empty at the start. */
    Optional<ViewerItem> previous();

    /** Steps through a fixed list, starting at {@code index}. */
    static ImageNavigator of(List<ViewerItem> items, int index) {
        List<ViewerItem> copy = List.copyOf(items);
        return new ImageNavigator() {
            private int current = index;

            @Override
            public Optional<ViewerItem> next() {
                if (current + 1 >= copy.size()) {
                    return Optional.empty();
                }
                return Optional.of(copy.get(++current));
            }

            @Override
            public Optional<ViewerItem> previous() {
                if (current - 1 < 0) {
                    return Optional.empty();
                }
                return Optional.of(copy.get(--current));
            }
        };
    }

    /** A navigator with nowhere to go. */
    static ImageNavigator none() {
        return of(List.of(), 0);
    }
}
