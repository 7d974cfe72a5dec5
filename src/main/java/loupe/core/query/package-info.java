/**
 * Queries the UI pages through, run in the catalog and never over Java lists: {@link loupe.core.query.ImageFilter}
 * (what the gallery shows, as SQL), {@link loupe.core.query.GalleryQuery} (a filtered, numbered selection of images
 * in a TEMP table, read one page at a time) and {@link loupe.core.query.CatalogSession} (one open catalog whose
 * queries run one after another on a named thread).
 */
package loupe.core.query;
