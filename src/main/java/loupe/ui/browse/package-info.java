/**
 * The gallery: {@link loupe.ui.browse.GalleryView} (a virtualized grid of thumbnail rows with the filter bar),
 * {@link loupe.ui.browse.GalleryViewModel} (the filter, the count and a page cache read from the catalog on demand)
 * and {@link loupe.ui.browse.ThumbnailLoader} (thumbnails on a small pool, stale requests dropped, memory LRU over
 * the disk cache of {@link loupe.core.thumbs.ThumbnailService}).
 */
package loupe.ui.browse;
