package loupe.ui.browse;

import java.util.ArrayList;
import java.util.List;

import javafx.scene.control.ListCell;
import javafx.scene.layout.HBox;

/** One row of the gallery grid: {@code columns} tiles for the items row * columns ... */
final class GalleryRowCell extends ListCell<Integer> {

    static final double GAP = 8;

    private final GalleryView view;
    private final HBox box = new HBox(GAP);
    private final List<ThumbnailTile> tiles = new ArrayList<>();

    GalleryRowCell(GalleryView view) {
        this.view = view;
        getStyleClass().add("gallery-row");
        setText(null);
    }

    @Override
    protected void updateItem(Integer row, boolean empty) {
        super.updateItem(row, empty);
        if (empty || row == null) {
            setGraphic(null);
            for (ThumbnailTile t : tiles) {
                t.cancel();
            }
        } else {
            fill(row);
            setGraphic(box);
        }
        view.cellUpdated();
    }

    /** Shows the row's items again (their page arrived, the selection or the options changed). */
    void refill() {
        if (!isEmpty() && getItem() != null) {
            fill(getItem());
        }
    }

    int row() {
        return isEmpty() || getItem() == null ? -1 : getItem();
    }

    List<ThumbnailTile> tiles() {
        return tiles;
    }

    private void fill(int row) {
        int columns = view.columns();
        while (tiles.size() < columns) {
            ThumbnailTile tile = new ThumbnailTile(view.model(), view.loader());
            tile.setOnOpen(view::openSelected);
            tiles.add(tile);
        }
        while (tiles.size() > columns) {
            tiles.remove(tiles.size() - 1).cancel();
        }
        if (box.getChildren().size() != tiles.size()) {
            box.getChildren().setAll(tiles);
        }
        double size = view.model().cellSizeProperty().get();
        long count = view.model().getCount();
        for (int c = 0; c < columns; c++) {
            long index = (long) row * columns + c;
            ThumbnailTile tile = tiles.get(c);
            if (index < count) {
                tile.show(index, view.model().item(index), size);
            } else {
                tile.show(-1, null, size);
            }
        }
    }
}
