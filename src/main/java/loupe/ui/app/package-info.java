/**
 * The desktop app's frame: {@link loupe.ui.app.LoupeApp} (the JavaFX application, wired by hand),
 * {@link loupe.ui.app.MainWindow} (the view) and {@link loupe.ui.app.MainViewModel} (its state: which folder is
 * open, indexing progress, the images, class counts and problems read back from the catalog).
 */
package loupe.ui.app;
