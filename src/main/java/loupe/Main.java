package loupe;

/** Entry point: no arguments (or a folder) starts the desktop app; a subcommand runs the CLI. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("Loupe");
    }
}
