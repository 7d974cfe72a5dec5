/**
 * Reading rectangles of big images without decoding the whole file: {@link loupe.core.imaging.region.ImageSource}
 * (one open file, its pyramid levels, region reads at a downsample), {@link loupe.core.imaging.region.ImageSources}
 * (opens a file with the right ImageIO reader), {@link loupe.core.imaging.region.TileCache} (an LRU cache bounded by
 * bytes that merges concurrent requests for the same tile) and {@link loupe.core.imaging.region.CachedImageSource}
 * (asynchronous, cached tile reads for viewers). Coordinates are always pixels of the full-resolution image, origin
 * top left, as in {@link loupe.core.model.BoundingBox}. Plain Java; no JavaFX.
 */
package loupe.core.imaging.region;
