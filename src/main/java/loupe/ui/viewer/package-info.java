/**
 * The image viewer: {@link loupe.ui.viewer.ViewerView} (canvas, side panel, status line) over a
 * {@link loupe.ui.viewer.ViewerViewModel} (which image, its annotations and problems, zoom and pan, class
 * visibility). Pixels come from the core region reader ({@link loupe.core.imaging.region.CachedImageSource}): a
 * {@link loupe.ui.viewer.TileLayer} asks for the tiles the viewport shows at the resolution it needs, paints a
 * coarser picture while they load, and drops requests for tiles that scrolled away, so a 40,000 x 30,000 slide is
 * never decoded whole. Boxes are in the stored-pixel frame (as the catalog has them); an EXIF
 * {@link loupe.ui.viewer.Orientation} is applied to image and boxes together when the user asks for it.
 */
package loupe.ui.viewer;
