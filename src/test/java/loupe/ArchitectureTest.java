package loupe;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layers: core knows nothing of JavaFX, the UI or the CLI; the CLI knows nothing of the UI. */
@AnalyzeClasses(packages = "loupe", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreIsPlainJava = noClasses()
            .that().resideInAPackage("loupe.core..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "loupe.ui..",
                    "loupe.cli..", "picocli..");

    @ArchTest
    static final ArchRule cliHasNoUi = noClasses()
            .that().resideInAPackage("loupe.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "loupe.ui..");

    @ArchTest
    static final ArchRule modelDependsOnNothing = noClasses()
            .that().resideInAPackage("loupe.core.model..")
            .should().dependOnClassesThat().resideInAnyPackage("loupe.core.formats..", "loupe.core.index..",
                    "loupe.core.imaging..", "loupe.core.stats..", "loupe.core.task..");
}
