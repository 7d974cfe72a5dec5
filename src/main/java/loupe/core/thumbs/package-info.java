/**
 * Thumbnails for the gallery, without JavaFX: {@link loupe.core.thumbs.ThumbnailService} decodes only as much of
 * an image as a small preview needs (ImageIO source subsampling, pyramid levels of multi-image TIFFs), scales it
 * and keeps it as a JPEG file in Loupe's cache folder, never in the dataset.
 */
package loupe.core.thumbs;
