package dev.qiwigateway.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Every manifest under k8s/ parsed into the Kubernetes model and held to the production rules; each rule is
 * also shown to fire on a deliberately broken copy, so a passing run means the rules were really checked.
 */
@DisplayName("Kubernetes manifests")
class ManifestRulesTest {

  private static final Path PROJECT = Path.of("").toAbsolutePath();
  private static final Path K8S = PROJECT.resolve("k8s");
  private static final Path BASE = K8S.resolve("base");
  private static final Path SECRET_TEMPLATE = BASE.resolve("secret.template.yaml");

  private static final Map<String, Manifests> RENDERED = new java.util.concurrent.ConcurrentHashMap<>();

  private static Manifests base;
  private static ManifestRules rules;

  @BeforeAll
  static void readBase() {
    base = Manifests.read(baseResourceFiles());
    List<Secret> templates = Manifests.read(SECRET_TEMPLATE).ofType(Secret.class);
    rules = new ManifestRules(GatewaySettings.fromProject(PROJECT), templates);
  }

  @Test
  @DisplayName("every YAML file under k8s/ parses into typed Kubernetes objects without an unknown field")
  void everyFileParses() throws IOException {
    List<Path> files = yamlFiles().stream().filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).toList();
    assertThat(files).as("manifests found").hasSizeGreaterThan(10);
    for (Path file : files) {
      Manifests parsed = Manifests.read(file);
      assertThat(parsed.all()).as(K8S.relativize(file) + " holds objects").isNotEmpty();
      assertThat(UnknownFields.violations(parsed)).as(K8S.relativize(file) + " unknown fields").isEmpty();
    }
  }

  @Test
  @DisplayName("the base that runs the payment gateway breaks none of the production rules")
  void baseHoldsEveryRule() {
    assertThat(base.deployments()).hasSize(1);
    assertThat(ManifestRules.broken(rules.everywhere(), base)).isEmpty();
  }

  @Test
  @DisplayName("the Secret template names every credential the prod profile requires and carries none of them")
  void secretTemplateNamesTheCredentials() {
    Secret template = Manifests.read(SECRET_TEMPLATE).ofType(Secret.class).get(0);
    assertThat(template.getStringData()).containsKeys("QIWI_PRV_ID", "QIWI_API_ID", "QIWI_API_SECRET", "API_TOKENS",
        "WEBHOOK_SECRET", "QIWI_NOTIFY_PASSWORD");
    assertThat(template.getStringData().values()).allMatch(String::isBlank);
    assertThat(baseKustomization().get("resources").toString()).doesNotContain("secret.template");
  }

  @Test
  @DisplayName("kubectl kustomize renders the prod overlay, and the rendered payments stack holds every rule")
  void prodOverlayRenders() {
    Manifests prod = render("prod");
    assertThat(ManifestRules.broken(rules.production(), prod)).isEmpty();
    assertThat(prod.all()).allMatch(o -> o instanceof io.fabric8.kubernetes.api.model.Namespace
        || "qiwi-gateway".equals(o.getMetadata().getNamespace()));
    assertThat(prod.secrets()).as("no Secret is rendered: real ones are applied out of band").isEmpty();
    assertThat(prod.custom(ManifestRules.CNPG_GROUP, "Cluster")).hasSize(1);
    assertThat(dashboardJson(prod)).contains("\"uid\": \"qiwi-gateway\"");
  }

  @Test
  @DisplayName("kubectl kustomize renders the dev overlay, smaller but under the same rules")
  void devOverlayRenders() {
    Manifests dev = render("dev");
    assertThat(ManifestRules.broken(rules.everywhere(), dev)).isEmpty();
    assertThat(dev.all()).allMatch(o -> o instanceof io.fabric8.kubernetes.api.model.Namespace
        || "qiwi-gateway-dev".equals(o.getMetadata().getNamespace()));
    Number instances = dev.custom(ManifestRules.CNPG_GROUP, "Cluster").get(0).get("spec", "instances");
    assertThat(instances.intValue()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("breakages")
  @DisplayName("a broken copy of the base is caught by the rule it breaks")
  void brokenBaseIsCaught(Breakage breakage) {
    Manifests broken = breakage.breakIt().apply(base.copy());
    assertThat(rules.rule(breakage.rule()).apply(broken))
        .as("violations of '%s' after: %s", breakage.rule(), breakage.description())
        .anySatisfy(violation -> assertThat(violation).contains(breakage.expected()));
    assertThat(rules.rule(breakage.rule()).apply(base)).as("the intact base").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("productionBreakages")
  @DisplayName("a broken copy of the rendered prod overlay is caught by the rule it breaks")
  void brokenProductionIsCaught(Breakage breakage) {
    Manifests prod = render("prod");
    assertThat(rules.rule(breakage.rule()).apply(breakage.breakIt().apply(prod.copy())))
        .as("violations of '%s' after: %s", breakage.rule(), breakage.description())
        .anySatisfy(violation -> assertThat(violation).contains(breakage.expected()));
  }

  @Test
  @DisplayName("every rule has at least one broken copy that shows it can fail")
  void everyRuleCanFail() {
    Set<String> shown = Stream.concat(breakages(), productionBreakages()).map(Breakage::rule)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(shown).isEqualTo(new TreeSet<>(rules.production().keySet()));
  }

  @Test
  @DisplayName("a misspelt field does not slip through the model as an ignored extra")
  void misspeltFieldIsCaught() throws IOException {
    String yaml = Files.readString(BASE.resolve("deployment.yaml"), StandardCharsets.UTF_8)
        .replace("readOnlyRootFilesystem:", "readOnlyRootFileSystem:");
    assertThat(UnknownFields.violations(Manifests.parse(yaml))).singleElement().asString()
        .contains("readOnlyRootFileSystem");
  }

  // ---------------------------------------------------------------- broken copies

  /** One deliberate mistake: what it is, the rule that must catch it, and a fragment of the expected violation. */
  record Breakage(String description, String rule, String expected, UnaryOperator<Manifests> breakIt) {
    @Override
    public String toString() {
      return description + " -> " + rule;
    }
  }

  static Stream<Breakage> breakages() {
    return Stream.of(
        new Breakage("a single replica", "replicas", "runs 1 replica(s)", m -> edit(m, () -> deployment(m).getSpec().setReplicas(1))),
        new Breakage("an autoscaler allowed down to one pod", "replicas", "may scale down to 1", m -> edit(m, () -> hpa(m).getSpec().setMinReplicas(1))),
        new Breakage("no autoscaler", "replicas", "has no HorizontalPodAutoscaler", m -> m.without(HorizontalPodAutoscaler.class::isInstance)),
        new Breakage("no readiness probe", "probes on the management port", "readiness probe is missing",
            m -> edit(m, () -> container(m).setReadinessProbe(null))),
        new Breakage("the readiness probe on the API port", "probes on the management port", "readiness probe targets port http (the API port)",
            m -> edit(m, () -> container(m).getReadinessProbe().getHttpGet().setPort(new IntOrString("http")))),
        new Breakage("the liveness probe on port 8080", "probes on the management port", "liveness probe targets port 8080 (the API port)",
            m -> edit(m, () -> container(m).getLivenessProbe().getHttpGet().setPort(new IntOrString(8080)))),
        new Breakage("liveness asking the database-backed readiness check", "probes on the management port", "liveness probe asks /health/ready",
            m -> edit(m, () -> container(m).getLivenessProbe().getHttpGet().setPath("/health/ready"))),
        new Breakage("no memory limit", "resources", "has no memory limit",
            m -> edit(m, () -> container(m).getResources().getLimits().remove("memory"))),
        new Breakage("no CPU request", "resources", "requests no cpu",
            m -> edit(m, () -> container(m).getResources().getRequests().remove("cpu"))),
        new Breakage("readOnlyRootFilesystem false", "security context", "writable root filesystem",
            m -> edit(m, () -> container(m).getSecurityContext().setReadOnlyRootFilesystem(false))),
        new Breakage("runAsNonRoot missing", "security context", "does not set runAsNonRoot", m -> edit(m, () -> {
          container(m).getSecurityContext().setRunAsNonRoot(null);
          deployment(m).getSpec().getTemplate().getSpec().getSecurityContext().setRunAsNonRoot(null);
        })),
        new Breakage("running as uid 0", "security context", "runs as uid 0",
            m -> edit(m, () -> container(m).getSecurityContext().setRunAsUser(0L))),
        new Breakage("privilege escalation allowed", "security context", "allows privilege escalation",
            m -> edit(m, () -> container(m).getSecurityContext().setAllowPrivilegeEscalation(true))),
        new Breakage("a read-only root without a /tmp volume", "writable /tmp", "no emptyDir at /tmp",
            m -> edit(m, () -> container(m).setVolumeMounts(List.of()))),
        new Breakage("a grace period shorter than preStop + drain", "graceful shutdown", "terminationGracePeriodSeconds 30 is shorter than preStop 10 s + DRAIN_TIMEOUT_MS 20 s",
            m -> edit(m, () -> deployment(m).getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(30L))),
        new Breakage("DRAIN_TIMEOUT_MS raised without the grace period", "graceful shutdown", "DRAIN_TIMEOUT_MS 60 s",
            m -> edit(m, () -> settingsMap(m).getData().put("DRAIN_TIMEOUT_MS", "60000"))),
        new Breakage("no preStop pause", "graceful shutdown", "has no preStop pause", m -> edit(m, () -> container(m).setLifecycle(null))),
        new Breakage("no spread over zones", "topology spread", "not spread over topology.kubernetes.io/zone", m -> edit(m, () -> deployment(m).getSpec().getTemplate()
            .getSpec().getTopologySpreadConstraints().removeIf(t -> t.getTopologyKey().contains("zone")))),
        new Breakage("no Service port for the management port", "service", "leads to container port 9090",
            m -> edit(m, () -> service(m).getSpec().getPorts().removeIf(p -> "management".equals(p.getName())))),
        new Breakage("no PodDisruptionBudget", "disruption budget", "no PodDisruptionBudget covers", m -> m.without(PodDisruptionBudget.class::isInstance)),
        new Breakage("a PodDisruptionBudget that blocks every eviction", "disruption budget", "allows no voluntary disruption", m -> edit(m, () -> {
          pdb(m).getSpec().setMaxUnavailable(null);
          pdb(m).getSpec().setMinAvailable(new IntOrString(3));
        })),
        new Breakage("the QIWI API secret in the ConfigMap", "configuration keys", "holds QIWI_API_SECRET, which belongs in a Secret",
            m -> edit(m, () -> settingsMap(m).getData().put("QIWI_API_SECRET", "s3cr3t"))),
        new Breakage("a credential inside a URL in the ConfigMap", "configuration keys", "key WEBHOOK_URL holds something that looks like a credential",
            m -> edit(m, () -> settingsMap(m).getData().put("WEBHOOK_URL", "https://shop:hunter2@hooks.example.com/qiwi"))),
        new Breakage("a misspelt setting in the ConfigMap", "configuration keys", "key DRAIN_TIMEOUT is no setting the gateway reads",
            m -> edit(m, () -> settingsMap(m).getData().put("DRAIN_TIMEOUT", "20000"))),
        new Breakage("the dev profile", "configuration keys", "GATEWAY_PROFILE=dev",
            m -> edit(m, () -> settingsMap(m).getData().put("GATEWAY_PROFILE", "dev"))),
        new Breakage("PG_URL as a literal value", "configuration keys", "sets PG_URL from something other than a Secret", m -> edit(m, () -> container(m).setEnv(
            List.of(new EnvVar("PG_URL", "postgresql://app:pw@db:5432/app", null))))),
        new Breakage("a committed Secret with a value", "no secret values", "carries a value for QIWI_API_SECRET", m -> m.with(new SecretBuilder()
            .withNewMetadata().withName("qiwi-gateway-extra").endMetadata()
            .withStringData(Map.of("QIWI_API_SECRET", "s3cr3t")).build())),
        new Breakage("a NetworkPolicy letting notifications in from 0.0.0.0/0", "notifications only from QIWI through the ingress", "admits 0.0.0.0/0 to the API port",
            m -> edit(m, () -> apiRule(m).getFrom().add(ipPeer("0.0.0.0/0")))),
        new Breakage("an API-port rule with no from", "notifications only from QIWI through the ingress", "admits every source to the API port",
            m -> edit(m, () -> apiRule(m).setFrom(null))),
        new Breakage("the API port open to every namespace", "notifications only from QIWI through the ingress", "admits every namespace to the API port",
            m -> edit(m, () -> apiRule(m).getFrom().add(namespacePeer(new LabelSelector())))),
        new Breakage("no NetworkPolicy for the gateway", "notifications only from QIWI through the ingress", "no NetworkPolicy restricts",
            m -> m.without(o -> o instanceof NetworkPolicy p && "qiwi-gateway".equals(p.getMetadata().getName()))),
        new Breakage("the notification Ingress without QIWI's allow-list", "notifications only from QIWI through the ingress", "qiwi-gateway-notifications routes notifications without a source allow-list",
            m -> edit(m, () -> ingress(m, "qiwi-gateway-notifications").getMetadata().getAnnotations()
                .remove(ManifestRules.SOURCE_RANGE_ANNOTATION))),
        new Breakage("the notification allow-list opened to 0.0.0.0/0", "notifications only from QIWI through the ingress", "lets notifications in from [0.0.0.0/0]",
            m -> edit(m, () -> ingress(m, "qiwi-gateway-notifications").getMetadata().getAnnotations()
                .put(ManifestRules.SOURCE_RANGE_ANNOTATION, "91.232.230.0/23,0.0.0.0/0"))),
        new Breakage("the API Ingress routing everything under /", "notifications only from QIWI through the ingress", "qiwi-gateway-api routes notifications without a source allow-list",
            m -> edit(m, () -> apiPath(m).setPath("/"))),
        new Breakage("the management port open to the internet", "management port cluster-only", "admits 0.0.0.0/0 to the management port",
            m -> edit(m, () -> managementRule(m).getFrom().add(ipPeer("0.0.0.0/0")))),
        new Breakage("the management port behind an Ingress", "management port cluster-only", "routes /v1 to the management port",
            m -> edit(m, () -> apiPath(m).getBackend().getService().setPort(new ServiceBackendPort("management", null)))),
        new Breakage("a LoadBalancer Service", "management port cluster-only", "of type LoadBalancer exposes the management port",
            m -> edit(m, () -> service(m).getSpec().setType("LoadBalancer"))),
        new Breakage("a ServiceMonitor scraping the API port", "metrics scraped", "scrapes port http", m -> edit(m, () -> {
          List<Map<String, Object>> endpoints = serviceMonitor(m).get("spec", "endpoints");
          endpoints.get(0).put("port", "http");
        })),
        new Breakage("a StatefulSet for PostgreSQL", "operator-managed database", "StatefulSet/postgres is a home-made StatefulSet", m -> m.with(new StatefulSetBuilder()
            .withNewMetadata().withName("postgres").endMetadata()
            .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("postgres").withImage("postgres:17")
            .endContainer().endSpec().endTemplate().endSpec().build())),
        new Breakage("no CloudNativePG Cluster", "operator-managed database", "no CloudNativePG Cluster",
            m -> m.without(o -> o instanceof GenericKubernetesResource r && "Cluster".equals(r.getKind()))),
        new Breakage("PG_URL from a hand-made Secret", "operator-managed database", "takes PG_URL from pg-credentials/uri", m -> edit(m,
            () -> container(m).getEnv().get(0).getValueFrom().getSecretKeyRef().setName("pg-credentials"))),
        new Breakage("an autoscaler outgrowing the database's connections", "connection budget", "may open 40 x 8 connections",
            m -> edit(m, () -> hpa(m).getSpec().setMaxReplicas(40))),
        new Breakage("a field fabric8 does not know", "no unknown fields", "readinesProbe is not a field of Container",
            m -> edit(m, () -> container(m).setAdditionalProperty("readinesProbe", Map.of()))));
  }

  static Stream<Breakage> productionBreakages() {
    return Stream.of(
        new Breakage("a single database instance", "database highly available", "has 1 instance(s)",
            m -> edit(m, () -> {
              Map<String, Object> spec = cluster(m).get("spec");
              spec.put("instances", 1);
            })),
        new Breakage("no synchronous standby", "database highly available", "has no synchronous standby", m -> edit(m, () -> {
          Map<String, Object> postgresql = cluster(m).get("spec", "postgresql");
          postgresql.remove("synchronous");
        })),
        new Breakage("an image tagged latest", "image pinned", "is not pinned",
            m -> edit(m, () -> container(m).setImage("registry.example.com/payments/qiwi-gateway:latest"))),
        new Breakage("a namespace without the restricted Pod Security Standard", "restricted pod security", "does not enforce the restricted Pod Security Standard",
            m -> edit(m, () -> m.namespaces().get(0).getMetadata().getLabels().remove("pod-security.kubernetes.io/enforce"))));
  }

  // ---------------------------------------------------------------- helpers

  private static Manifests edit(Manifests m, Runnable change) {
    change.run();
    return m;
  }

  private static Deployment deployment(Manifests m) {
    return m.named(Deployment.class, "qiwi-gateway");
  }

  private static Container container(Manifests m) {
    return deployment(m).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static HorizontalPodAutoscaler hpa(Manifests m) {
    return m.named(HorizontalPodAutoscaler.class, "qiwi-gateway");
  }

  private static PodDisruptionBudget pdb(Manifests m) {
    return m.named(PodDisruptionBudget.class, "qiwi-gateway");
  }

  private static Service service(Manifests m) {
    return m.named(Service.class, "qiwi-gateway");
  }

  private static ConfigMap settingsMap(Manifests m) {
    return m.named(ConfigMap.class, "qiwi-gateway-config");
  }

  private static Ingress ingress(Manifests m, String name) {
    return m.named(Ingress.class, name);
  }

  private static HTTPIngressPath apiPath(Manifests m) {
    return ingress(m, "qiwi-gateway-api").getSpec().getRules().get(0).getHttp().getPaths().get(0);
  }

  private static NetworkPolicyIngressRule apiRule(Manifests m) {
    return policyRuleOnPort(m, "http");
  }

  private static NetworkPolicyIngressRule managementRule(Manifests m) {
    return policyRuleOnPort(m, "management");
  }

  private static NetworkPolicyIngressRule policyRuleOnPort(Manifests m, String port) {
    return m.named(NetworkPolicy.class, "qiwi-gateway").getSpec().getIngress().stream()
        .filter(r -> r.getPorts().stream().anyMatch(p -> port.equals(p.getPort().getStrVal())))
        .findFirst().orElseThrow();
  }

  private static NetworkPolicyPeer ipPeer(String cidr) {
    NetworkPolicyPeer peer = new NetworkPolicyPeer();
    peer.setIpBlock(new IPBlock(cidr, null));
    return peer;
  }

  private static NetworkPolicyPeer namespacePeer(LabelSelector selector) {
    NetworkPolicyPeer peer = new NetworkPolicyPeer();
    peer.setNamespaceSelector(selector);
    return peer;
  }

  private static GenericKubernetesResource serviceMonitor(Manifests m) {
    return m.custom("monitoring.coreos.com", "ServiceMonitor").get(0);
  }

  private static GenericKubernetesResource cluster(Manifests m) {
    return m.custom(ManifestRules.CNPG_GROUP, "Cluster").get(0);
  }

  /** The overlay as kubectl renders it, rendered once per test class; callers that change it take a copy. */
  private static Manifests render(String overlay) {
    Path kubectl = Kustomize.kubectl().orElse(null);
    assumeTrue(kubectl != null, "kubectl is not on PATH: the overlays are checked where it is");
    Manifests rendered = RENDERED.computeIfAbsent(overlay,
        name -> Manifests.parse(Kustomize.render(kubectl, K8S.resolve("overlays").resolve(name))));
    assertThat(rendered.all()).as("objects rendered for " + overlay).hasSizeGreaterThan(10);
    return rendered;
  }

  private static String dashboardJson(Manifests m) {
    return m.configMaps().stream().filter(cm -> "1".equals(cm.getMetadata().getLabels().get("grafana_dashboard")))
        .map(cm -> cm.getData().get("qiwi-gateway.json")).findFirst().orElseThrow();
  }

  private static Map<String, Object> baseKustomization() {
    try {
      return new Yaml().load(Files.readString(BASE.resolve("kustomization.yaml"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The files the base kustomization lists as resources (directories such as ../dashboards are rendered only). */
  private static List<Path> baseResourceFiles() {
    @SuppressWarnings("unchecked")
    List<String> resources = (List<String>) baseKustomization().get("resources");
    List<Path> files = new ArrayList<>();
    for (String resource : resources) {
      Path path = BASE.resolve(resource).normalize();
      if (Files.isRegularFile(path)) {
        files.add(path);
      }
    }
    return files;
  }

  private static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(K8S)) {
      return walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted().toList();
    }
  }
}
