/**
 * The image viewer. For now a placeholder: {@link loupe.ui.viewer.ViewerView} shows the gallery's selected image
 * scaled to fit, decoded off the FX thread by {@link loupe.ui.viewer.ViewerViewModel}. A tiled zoom/pan viewer
 * with overlays replaces it; it gets the same inputs (the selected {@code GalleryItem} and the dataset root) and
 * can reuse {@link loupe.ui.fx.ClassPalette}.
 */
package loupe.ui.viewer;
