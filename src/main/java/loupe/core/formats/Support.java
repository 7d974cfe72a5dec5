package loupe.core.formats;

/**
 * How well a format matches a dataset, with the reason in words a user understands.
 *
 * @param confidence 0 (not this format) to 1 (certainly this format)
 * @param reason     why, e.g. "annotations/instances_train.json has images, annotations and categories"
 */
public record Support(double confidence, String reason) {

    public static Support none(String reason) {
        return new Support(0, reason);
    }

    public boolean matches() {
        return confidence > 0;
    }
}
