package loupe.ui.app;

/** The desktop app. NOTE: placeholder until the window lands. */
public final class LoupeApp {

    private LoupeApp() {
    }

    public static void start(String[] args) {
        System.out.println("The desktop app is not built yet.");
    }
}
