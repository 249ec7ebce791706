package dev.qiwigateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of the gateway, bottom to top: each layer may use only the layers below it, and no two
 * packages depend on each other. docs/architecture.md explains the layers; this test keeps them true.
 */
@AnalyzeClasses(packages = "dev.qiwigateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  private static final String ROOT = "dev.qiwigateway";

  @ArchTest
  static final ArchRule layersOnlyLookDown = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("Domain").definedBy(ROOT + ".domain..")
      .layer("Http").definedBy(ROOT + ".http..")
      .layer("Work").definedBy(ROOT + ".work..")
      .layer("Connector").definedBy(ROOT + ".qiwi..", ROOT + ".resilience..")
      .layer("Config").definedBy(ROOT + ".config..")
      .layer("Platform").definedBy(ROOT + ".db..", ROOT + ".ops..")
      .layer("Records").definedBy(ROOT + ".idempotency..", ROOT + ".event..")
      .layer("Bills").definedBy(ROOT + ".bill..")
      .layer("Flows").definedBy(ROOT + ".notification..", ROOT + ".polling..", ROOT + ".webhook..")
      .layer("CompositionRoot").definedBy(ROOT)
      .layer("Sandbox").definedBy(ROOT + ".sandbox..")
      .whereLayer("Domain").mayNotAccessAnyLayer()
      .whereLayer("Http").mayNotAccessAnyLayer()
      .whereLayer("Work").mayNotAccessAnyLayer()
      .whereLayer("Connector").mayOnlyAccessLayers("Domain", "Work")
      .whereLayer("Config").mayOnlyAccessLayers("Domain", "Connector")
      .whereLayer("Platform").mayOnlyAccessLayers("Domain", "Http", "Config")
      .whereLayer("Records").mayOnlyAccessLayers("Domain", "Http", "Work", "Config", "Platform")
      .whereLayer("Bills").mayOnlyAccessLayers("Domain", "Http", "Work", "Connector", "Config", "Platform", "Records")
      .whereLayer("Flows").mayOnlyAccessLayers("Domain", "Http", "Work", "Connector", "Config", "Platform", "Records",
          "Bills")
      .whereLayer("CompositionRoot").mayNotBeAccessedByAnyLayer()
      .whereLayer("Sandbox").mayNotAccessAnyLayer();

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

  /** The sandbox is the project's stand-in for QIWI: it must not share the client's reading of the protocol. */
  @ArchTest
  static final ArchRule sandboxSharesNoCodeWithTheGateway = noClasses().that().resideInAPackage(ROOT + ".sandbox..")
      .should().dependOnClassesThat().resideOutsideOfPackages(ROOT + ".sandbox..", "java..", "javax..",
          "io.vertx..", "io.netty..", "org.slf4j..", "ch.qos.logback..");
}
