package dev.qiwigateway.k8s;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The production rules of issue 5 as named checks over parsed manifests. Each check returns its violations
 * as sentences naming the object; an empty list means the rule holds. Every Deployment in a set is taken
 * to be the gateway (the manifests run nothing else).
 */
final class ManifestRules {

  /** QIWI sends notifications only from these ranges (docs/qiwi.md#notifications). */
  static final List<Cidr> QIWI_NOTIFICATION_RANGES = List.of(Cidr.parse("91.232.230.0/23"), Cidr.parse("79.142.16.0/20"));
  static final String SOURCE_RANGE_ANNOTATION = "nginx.ingress.kubernetes.io/whitelist-source-range";
  /** Main's shutdown hook waits this long beyond DRAIN_TIMEOUT_MS before giving up (Main.shutDown). */
  static final int SHUTDOWN_HOOK_SLACK_SECONDS = 10;
  /** Time for endpoints and the ingress to stop sending a terminating pod new requests. */
  static final int MIN_PRESTOP_SECONDS = 5;
  static final int MIN_REPLICAS = 3;
  /** Connections kept free for the operator, replication and a human with psql. */
  static final int RESERVED_DB_CONNECTIONS = 10;
  static final String CNPG_GROUP = "postgresql.cnpg.io";
  static final String READY_PATH = "/health/ready";
  static final String LIVE_PATH = "/health/live";

  private static final Pattern CREDENTIAL_VALUE = Pattern.compile("://[^/@\\s:]+:[^/@\\s]+@|whsec_|Bearer\\s");
  private static final Pattern SLEEP_COMMAND = Pattern.compile("(?:^|\\s)sleep\\s+(\\d+)");

  private final GatewaySettings settings;
  /** Secrets that are applied out of band (secret.template.yaml), so a rendered overlay may refer to them. */
  private final List<Secret> secretTemplates;
  private final Map<String, Function<Manifests, List<String>>> everywhere = new LinkedHashMap<>();
  private final Map<String, Function<Manifests, List<String>>> productionOnly = new LinkedHashMap<>();

  ManifestRules(GatewaySettings settings, List<Secret> secretTemplates) {
    this.settings = settings;
    this.secretTemplates = List.copyOf(secretTemplates);
    everywhere.put("replicas", this::replicas);
    everywhere.put("probes on the management port", this::probesOnManagementPort);
    everywhere.put("resources", this::resources);
    everywhere.put("security context", this::securityContext);
    everywhere.put("writable /tmp", this::writableTmp);
    everywhere.put("graceful shutdown", this::gracefulShutdown);
    everywhere.put("topology spread", this::topologySpread);
    everywhere.put("service", this::service);
    everywhere.put("disruption budget", this::disruptionBudget);
    everywhere.put("configuration keys", this::configurationKeys);
    everywhere.put("no secret values", this::noSecretValues);
    everywhere.put("notifications only from QIWI through the ingress", this::notificationsOnlyFromQiwi);
    everywhere.put("management port cluster-only", this::managementPortClusterOnly);
    everywhere.put("metrics scraped", this::metricsScraped);
    everywhere.put("operator-managed database", this::operatorManagedDatabase);
    everywhere.put("connection budget", this::connectionBudget);
    everywhere.put("no unknown fields", UnknownFields::violations);
    productionOnly.put("database highly available", this::databaseHighlyAvailable);
    productionOnly.put("image pinned", this::imagePinned);
    productionOnly.put("restricted pod security", this::restrictedPodSecurity);
  }

  /** Rules that hold for the base and for every overlay. */
  Map<String, Function<Manifests, List<String>>> everywhere() {
    return Collections.unmodifiableMap(everywhere);
  }

  /** Everything a rendered production overlay must satisfy. */
  Map<String, Function<Manifests, List<String>>> production() {
    Map<String, Function<Manifests, List<String>>> all = new LinkedHashMap<>(everywhere);
    all.putAll(productionOnly);
    return all;
  }

  Function<Manifests, List<String>> rule(String name) {
    Function<Manifests, List<String>> rule = production().get(name);
    if (rule == null) {
      throw new IllegalArgumentException("no rule named " + name);
    }
    return rule;
  }

  /** Rule name to its violations, only for rules that are broken. */
  static Map<String, List<String>> broken(Map<String, Function<Manifests, List<String>>> rules, Manifests manifests) {
    Map<String, List<String>> broken = new LinkedHashMap<>();
    rules.forEach((name, rule) -> {
      List<String> violations = rule.apply(manifests);
      if (!violations.isEmpty()) {
        broken.put(name, violations);
      }
    });
    return broken;
  }

  // ---------------------------------------------------------------- workload

  List<String> replicas(Manifests m) {
    List<String> out = new ArrayList<>();
    if (m.deployments().isEmpty()) {
      out.add("no Deployment runs the gateway");
    }
    for (Deployment d : m.deployments()) {
      Integer replicas = d.getSpec().getReplicas();
      if (replicas == null || replicas < MIN_REPLICAS) {
        out.add(name(d) + " runs " + (replicas == null ? "the default 1" : replicas) + " replica(s), fewer than "
            + MIN_REPLICAS);
      }
      List<HorizontalPodAutoscaler> hpas = autoscalersOf(m, d);
      if (hpas.isEmpty()) {
        out.add(name(d) + " has no HorizontalPodAutoscaler");
      }
      for (HorizontalPodAutoscaler hpa : hpas) {
        Integer min = hpa.getSpec().getMinReplicas();
        if (min == null || min < MIN_REPLICAS) {
          out.add(name(hpa) + " may scale down to " + (min == null ? "the default 1" : min) + " replica(s)");
        }
        if (hpa.getSpec().getMaxReplicas() == null || min != null && hpa.getSpec().getMaxReplicas() < min) {
          out.add(name(hpa) + " has maxReplicas below minReplicas");
        }
      }
    }
    return out;
  }

  List<String> probesOnManagementPort(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Deployment d : m.deployments()) {
      for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
        int management = intSetting(m, c, "MANAGEMENT_PORT");
        int http = intSetting(m, c, "HTTP_PORT");
        String where = name(d) + " container " + c.getName();
        if (c.getPorts() == null || c.getPorts().stream().noneMatch(p -> p.getContainerPort() == management)) {
          out.add(where + " declares no containerPort " + management + " (MANAGEMENT_PORT)");
        }
        checkProbe(out, where + " readiness probe", c, c.getReadinessProbe(), READY_PATH, management, http, true);
        checkProbe(out, where + " liveness probe", c, c.getLivenessProbe(), LIVE_PATH, management, http, true);
        checkProbe(out, where + " startup probe", c, c.getStartupProbe(), null, management, http, false);
      }
    }
    return out;
  }

  private void checkProbe(List<String> out, String what, Container c, Probe probe, String path, int management,
      int http, boolean required) {
    if (probe == null) {
      if (required) {
        out.add(what + " is missing");
      }
      return;
    }
    HTTPGetAction get = probe.getHttpGet();
    if (get == null) {
      out.add(what + " is not an HTTP GET on the management port");
      return;
    }
    if (path != null && !path.equals(get.getPath())) {
      out.add(what + " asks " + get.getPath() + ", not " + path);
    }
    int port = containerPort(c, get.getPort());
    if (port != management) {
      out.add(what + " targets port " + describe(get.getPort()) + (port == http ? " (the API port)" : "")
          + ", not the management port " + management);
    }
  }

  List<String> resources(Manifests m) {
    List<String> out = new ArrayList<>();
    forEachContainer(m, (d, c) -> {
      String where = name(d) + " container " + c.getName();
      ResourceRequirements r = c.getResources();
      Map<String, Quantity> requests = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
      Map<String, Quantity> limits = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
      for (String resource : List.of("cpu", "memory")) {
        if (!requests.containsKey(resource)) {
          out.add(where + " requests no " + resource);
        }
      }
      if (!limits.containsKey("memory")) {
        out.add(where + " has no memory limit (the JVM sizes its heap from it)");
      } else if (requests.containsKey("memory")
          && limits.get("memory").getNumericalAmount().compareTo(requests.get("memory").getNumericalAmount()) < 0) {
        out.add(where + " limits memory below its request");
      }
    });
    return out;
  }

  List<String> securityContext(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Deployment d : m.deployments()) {
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      PodSecurityContext podContext = pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
      for (Container c : containers(pod)) {
        String where = name(d) + " container " + c.getName();
        SecurityContext sc = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
        Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : podContext.getRunAsNonRoot();
        Long user = sc.getRunAsUser() != null ? sc.getRunAsUser() : podContext.getRunAsUser();
        SeccompProfile seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile() : podContext.getSeccompProfile();
        if (!Boolean.TRUE.equals(nonRoot)) {
          out.add(where + " does not set runAsNonRoot: true");
        }
        if (user != null && user == 0) {
          out.add(where + " runs as uid 0");
        }
        if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
          out.add(where + " has a writable root filesystem (readOnlyRootFilesystem is not true)");
        }
        if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
          out.add(where + " allows privilege escalation");
        }
        if (Boolean.TRUE.equals(sc.getPrivileged())) {
          out.add(where + " is privileged");
        }
        Capabilities caps = sc.getCapabilities();
        if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
          out.add(where + " does not drop ALL capabilities");
        } else if (caps.getAdd() != null && !caps.getAdd().isEmpty()) {
          out.add(where + " adds capabilities " + caps.getAdd());
        }
        if (seccomp == null || !Set.of("RuntimeDefault", "Localhost").contains(seccomp.getType())) {
          out.add(where + " has no RuntimeDefault seccomp profile");
        }
      }
      if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID())) {
        out.add(name(d) + " shares the node's network or process namespace");
      }
    }
    return out;
  }

  List<String> writableTmp(Manifests m) {
    List<String> out = new ArrayList<>();
    forEachContainer(m, (d, c) -> {
      if (c.getSecurityContext() == null || !Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem())) {
        return;
      }
      Optional<VolumeMount> tmp = Optional.ofNullable(c.getVolumeMounts()).orElse(List.of()).stream()
          .filter(v -> "/tmp".equals(v.getMountPath())).findFirst();
      Optional<Volume> volume = tmp.flatMap(mount -> Optional.ofNullable(d.getSpec().getTemplate().getSpec().getVolumes())
          .orElse(List.of()).stream().filter(v -> v.getName().equals(mount.getName())).findFirst());
      if (volume.isEmpty() || volume.get().getEmptyDir() == null) {
        out.add(name(d) + " container " + c.getName()
            + " has a read-only root but no emptyDir at /tmp (java.io.tmpdir, Vert.x's file cache)");
      }
    });
    return out;
  }

  List<String> gracefulShutdown(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Deployment d : m.deployments()) {
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      long grace = pod.getTerminationGracePeriodSeconds() == null ? 30 : pod.getTerminationGracePeriodSeconds();
      for (Container c : pod.getContainers()) {
        String where = name(d) + " container " + c.getName();
        long drainSeconds = (intSetting(m, c, "DRAIN_TIMEOUT_MS") + 999L) / 1000;
        OptionalLong preStop = preStopSeconds(c.getLifecycle());
        if (preStop.isEmpty()) {
          out.add(where + " has no preStop pause: it would stop accepting while endpoints still route to it");
          continue;
        }
        if (preStop.getAsLong() < MIN_PRESTOP_SECONDS) {
          out.add(where + " pauses only " + preStop.getAsLong() + " s before SIGTERM (at least " + MIN_PRESTOP_SECONDS + ")");
        }
        long needed = preStop.getAsLong() + drainSeconds + SHUTDOWN_HOOK_SLACK_SECONDS;
        if (grace < needed) {
          out.add(name(d) + " terminationGracePeriodSeconds " + grace + " is shorter than preStop " + preStop.getAsLong()
              + " s + DRAIN_TIMEOUT_MS " + drainSeconds + " s + shutdown slack " + SHUTDOWN_HOOK_SLACK_SECONDS + " s = "
              + needed + " s");
        }
      }
    }
    return out;
  }

  private static OptionalLong preStopSeconds(Lifecycle lifecycle) {
    LifecycleHandler handler = lifecycle == null ? null : lifecycle.getPreStop();
    if (handler == null) {
      return OptionalLong.empty();
    }
    if (handler.getSleep() != null && handler.getSleep().getSeconds() != null) {
      return OptionalLong.of(handler.getSleep().getSeconds());
    }
    if (handler.getExec() != null && handler.getExec().getCommand() != null) {
      Matcher sleep = SLEEP_COMMAND.matcher(String.join(" ", handler.getExec().getCommand()));
      if (sleep.find()) {
        return OptionalLong.of(Long.parseLong(sleep.group(1)));
      }
    }
    return OptionalLong.empty();
  }

  List<String> topologySpread(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Deployment d : m.deployments()) {
      Map<String, String> labels = podLabels(d);
      List<TopologySpreadConstraint> constraints =
          Optional.ofNullable(d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).orElse(List.of());
      for (String key : List.of("kubernetes.io/hostname", "topology.kubernetes.io/zone")) {
        boolean spread = constraints.stream().anyMatch(t -> key.equals(t.getTopologyKey())
            && selects(t.getLabelSelector(), labels) && t.getMaxSkew() != null && t.getMaxSkew() <= 1);
        if (!spread) {
          out.add(name(d) + " is not spread over " + key + " (maxSkew 1, selecting its own pods)");
        }
      }
    }
    return out;
  }

  List<String> service(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Deployment d : m.deployments()) {
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      List<Service> services = servicesOf(m, d);
      if (services.isEmpty()) {
        out.add("no Service selects the pods of " + name(d));
      }
      for (int port : List.of(intSetting(m, c, "HTTP_PORT"), intSetting(m, c, "MANAGEMENT_PORT"))) {
        boolean exposed = services.stream().flatMap(s -> s.getSpec().getPorts().stream())
            .anyMatch(sp -> containerPort(c, sp.getTargetPort() == null ? new IntOrString(sp.getPort()) : sp.getTargetPort()) == port);
        if (!services.isEmpty() && !exposed) {
          out.add("no Service port of " + name(d) + " leads to container port " + port);
        }
      }
    }
    return out;
  }

  List<String> disruptionBudget(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Deployment d : m.deployments()) {
      int replicas = minReplicas(m, d);
      List<PodDisruptionBudget> budgets = m.disruptionBudgets().stream()
          .filter(p -> selects(p.getSpec().getSelector(), podLabels(d))).toList();
      if (budgets.isEmpty()) {
        out.add("no PodDisruptionBudget covers " + name(d) + ": a node drain may take every replica at once");
      }
      for (PodDisruptionBudget pdb : budgets) {
        int allowedDown = pdb.getSpec().getMaxUnavailable() != null
            ? count(pdb.getSpec().getMaxUnavailable(), replicas, false)
            : pdb.getSpec().getMinAvailable() != null ? replicas - count(pdb.getSpec().getMinAvailable(), replicas, true) : replicas;
        if (allowedDown < 1) {
          out.add(name(pdb) + " allows no voluntary disruption at " + replicas + " replicas: node drains would hang");
        } else if (replicas - allowedDown < 2) {
          out.add(name(pdb) + " lets " + allowedDown + " of " + replicas + " replicas go at once, leaving fewer than 2");
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- configuration and secrets

  List<String> configurationKeys(Manifests m) {
    List<String> out = new ArrayList<>();
    forEachContainer(m, (d, c) -> {
      String where = name(d) + " container " + c.getName();
      for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
        if (from.getConfigMapRef() != null) {
          Optional<ConfigMap> cm = configMap(m, from.getConfigMapRef().getName());
          if (cm.isEmpty()) {
            out.add(where + " reads ConfigMap " + from.getConfigMapRef().getName() + ", which is not in the manifests");
          }
          cm.ifPresent(map -> checkConfigMap(out, map));
        }
        if (from.getSecretRef() != null) {
          Optional<Secret> secret = secret(m, from.getSecretRef().getName());
          if (secret.isEmpty()) {
            out.add(where + " reads Secret " + from.getSecretRef().getName() + ", which neither the manifests nor the template define");
          }
          secret.ifPresent(s -> secretKeys(s).stream().filter(k -> !settings.known(k))
              .forEach(k -> out.add(name(s) + " key " + k + " is no setting the gateway reads")));
        }
      }
      for (EnvVar env : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
        checkEnv(out, where, env);
      }
      String profile = setting(m, c, "GATEWAY_PROFILE");
      if (!"prod".equals(profile)) {
        out.add(where + " runs GATEWAY_PROFILE=" + profile + ": the dev profile starts an embedded database and the QIWI sandbox");
      }
      if (pgUrlSource(m, c).isEmpty()) {
        out.add(where + " takes PG_URL from no Secret");
      }
    });
    return out;
  }

  private void checkConfigMap(List<String> out, ConfigMap map) {
    Map<String, String> data = Optional.ofNullable(map.getData()).orElse(Map.of());
    data.forEach((key, value) -> {
      if (!settings.known(key)) {
        out.add(name(map) + " key " + key + " is no setting the gateway reads");
      }
      if (GatewaySettings.SECRET_SETTINGS.contains(key)) {
        out.add(name(map) + " holds " + key + ", which belongs in a Secret");
      }
      if (value != null && CREDENTIAL_VALUE.matcher(value).find()) {
        out.add(name(map) + " key " + key + " holds something that looks like a credential");
      }
    });
    if (map.getBinaryData() != null && !map.getBinaryData().isEmpty()) {
      out.add(name(map) + " has binaryData, which the gateway does not read as settings");
    }
  }

  private void checkEnv(List<String> out, String where, EnvVar env) {
    String key = env.getName();
    if (!settings.known(key) && !GatewaySettings.JVM_VARIABLES.contains(key)) {
      out.add(where + " sets " + key + ", which is no setting the gateway reads");
    }
    if (GatewaySettings.SECRET_SETTINGS.contains(key)) {
      boolean fromSecret = env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null;
      if (!fromSecret) {
        out.add(where + " sets " + key + " from something other than a Secret");
      }
    } else if (env.getValue() != null && CREDENTIAL_VALUE.matcher(env.getValue()).find()) {
      out.add(where + " has a literal credential in " + key);
    }
  }

  List<String> noSecretValues(Manifests m) {
    List<String> out = new ArrayList<>();
    Stream.concat(m.secrets().stream(), secretTemplates.stream()).forEach(secret -> {
      Stream.concat(Optional.ofNullable(secret.getData()).orElse(Map.of()).entrySet().stream(),
              Optional.ofNullable(secret.getStringData()).orElse(Map.of()).entrySet().stream())
          .filter(e -> e.getValue() != null && !e.getValue().isBlank())
          .forEach(e -> out.add(name(secret) + " carries a value for " + e.getKey()
              + ": secrets are applied out of band, never committed"));
      secretKeys(secret).stream().filter(k -> !settings.known(k))
          .forEach(k -> out.add(name(secret) + " key " + k + " is no setting the gateway reads"));
    });
    return out;
  }

  // ---------------------------------------------------------------- network

  List<String> notificationsOnlyFromQiwi(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Deployment d : m.deployments()) {
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      int http = intSetting(m, c, "HTTP_PORT");
      List<NetworkPolicy> policies = policiesOf(m, d);
      if (policies.isEmpty()) {
        out.add("no NetworkPolicy restricts who reaches " + name(d) + ": anyone in the cluster can post notifications");
      }
      for (NetworkPolicy policy : policies) {
        for (NetworkPolicyIngressRule rule : Optional.ofNullable(policy.getSpec().getIngress()).orElse(List.of())) {
          if (!covers(rule, c, http)) {
            continue;
          }
          if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
            out.add(name(policy) + " admits every source to the API port " + http);
          }
          for (NetworkPolicyPeer peer : Optional.ofNullable(rule.getFrom()).orElse(List.of())) {
            apiPeerViolation(peer).ifPresent(why -> out.add(name(policy) + " " + why));
          }
        }
      }
      String notifyPath = setting(m, c, "QIWI_NOTIFY_PATH");
      List<Ingress> routing = m.ingresses().stream().filter(i -> routes(i, notifyPath)).toList();
      if (routing.isEmpty()) {
        out.add("no Ingress routes " + notifyPath + ": QIWI's notifications cannot arrive");
      }
      routing.forEach(ingress -> sourceRangeViolation(ingress).ifPresent(why -> out.add(name(ingress) + " " + why)));
    }
    return out;
  }

  private static Optional<String> apiPeerViolation(NetworkPolicyPeer peer) {
    if (peer.getIpBlock() != null) {
      Cidr block = Cidr.parse(peer.getIpBlock().getCidr());
      boolean qiwi = QIWI_NOTIFICATION_RANGES.stream().anyMatch(range -> range.contains(block));
      return qiwi ? Optional.empty()
          : Optional.of("admits " + peer.getIpBlock().getCidr() + " to the API port, outside QIWI's notification ranges");
    }
    if (peer.getNamespaceSelector() == null) {
      return Optional.of("admits pods of the gateway's own namespace to the API port, bypassing the ingress");
    }
    if (isEmpty(peer.getNamespaceSelector())) {
      return Optional.of("admits every namespace to the API port, bypassing the ingress");
    }
    return Optional.empty();
  }

  private static Optional<String> sourceRangeViolation(Ingress ingress) {
    String ranges = Optional.ofNullable(ingress.getMetadata().getAnnotations()).orElse(Map.of()).get(SOURCE_RANGE_ANNOTATION);
    if (ranges == null || ranges.isBlank()) {
      return Optional.of("routes notifications without a source allow-list (" + SOURCE_RANGE_ANNOTATION + ")");
    }
    List<String> outside = Arrays.stream(ranges.split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .filter(cidr -> QIWI_NOTIFICATION_RANGES.stream().noneMatch(range -> range.contains(Cidr.parse(cidr))))
        .toList();
    return outside.isEmpty() ? Optional.empty()
        : Optional.of("lets notifications in from " + outside + ", outside QIWI's ranges");
  }

  List<String> managementPortClusterOnly(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Deployment d : m.deployments()) {
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      int management = intSetting(m, c, "MANAGEMENT_PORT");
      for (NetworkPolicy policy : policiesOf(m, d)) {
        for (NetworkPolicyIngressRule rule : Optional.ofNullable(policy.getSpec().getIngress()).orElse(List.of())) {
          if (!covers(rule, c, management)) {
            continue;
          }
          if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
            out.add(name(policy) + " admits every source, outside the cluster too, to the management port");
          }
          Optional.ofNullable(rule.getFrom()).orElse(List.of()).stream().filter(p -> p.getIpBlock() != null)
              .forEach(p -> out.add(name(policy) + " admits " + p.getIpBlock().getCidr() + " to the management port"));
        }
      }
      for (Service s : servicesOf(m, d)) {
        boolean exposesManagement = s.getSpec().getPorts().stream().anyMatch(p -> targets(c, p, management));
        String type = Objects.requireNonNullElse(s.getSpec().getType(), "ClusterIP");
        if (exposesManagement && !"ClusterIP".equals(type)) {
          out.add(name(s) + " of type " + type + " exposes the management port outside the cluster");
        }
        for (Ingress ingress : m.ingresses()) {
          backends(ingress).filter(p -> s.getMetadata().getName().equals(p.getBackend().getService().getName()))
              .filter(p -> s.getSpec().getPorts().stream().anyMatch(sp -> targets(c, sp, management) && sameServicePort(p, sp)))
              .forEach(p -> out.add(name(ingress) + " routes " + p.getPath() + " to the management port"));
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- observability and database

  List<String> metricsScraped(Manifests m) {
    List<String> out = new ArrayList<>();
    for (Deployment d : m.deployments()) {
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      int management = intSetting(m, c, "MANAGEMENT_PORT");
      boolean scraped = false;
      for (GenericKubernetesResource monitor : m.custom("monitoring.coreos.com", "ServiceMonitor")) {
        Map<String, String> matchLabels = monitor.get("spec", "selector", "matchLabels");
        List<Map<String, Object>> endpoints = Optional.<List<Map<String, Object>>>ofNullable(monitor.get("spec", "endpoints"))
            .orElse(List.of());
        for (Service s : servicesOf(m, d)) {
          if (matchLabels == null || !labelsOf(s).entrySet().containsAll(matchLabels.entrySet())) {
            continue;
          }
          for (Map<String, Object> endpoint : endpoints) {
            String portName = (String) endpoint.get("port");
            String path = (String) endpoint.getOrDefault("path", "/metrics");
            boolean onManagement = s.getSpec().getPorts().stream()
                .anyMatch(sp -> sp.getName() != null && sp.getName().equals(portName) && targets(c, sp, management));
            if (onManagement && "/metrics".equals(path)) {
              scraped = true;
            } else {
              out.add(name(monitor) + " scrapes port " + portName + " path " + path + ", not /metrics on the management port");
            }
          }
        }
      }
      if (!scraped) {
        out.add("no ServiceMonitor scrapes /metrics on the management port of " + name(d));
      }
    }
    return out;
  }

  List<String> operatorManagedDatabase(Manifests m) {
    List<String> out = new ArrayList<>();
    m.statefulSets().forEach(s -> out.add(name(s)
        + " is a home-made StatefulSet: PostgreSQL comes from the CloudNativePG operator (a Cluster)"));
    forEachContainer(m, (d, c) -> {
      if (c.getImage() != null && c.getImage().matches("(?i).*(^|/)(postgres|postgresql)(:.*)?$")) {
        out.add(name(d) + " runs PostgreSQL itself; use the operator's Cluster");
      }
    });
    List<GenericKubernetesResource> clusters = m.custom(CNPG_GROUP, "Cluster");
    if (clusters.isEmpty()) {
      out.add("no CloudNativePG Cluster provides the database");
    }
    forEachContainer(m, (d, c) -> pgUrlSource(m, c).ifPresent(source -> {
      boolean fromOperator = clusters.stream().anyMatch(cl -> source.equals(cl.getMetadata().getName() + "-app/uri"));
      if (!clusters.isEmpty() && !fromOperator) {
        out.add(name(d) + " takes PG_URL from " + source + ", not from the operator's <cluster>-app Secret (key uri)");
      }
    }));
    return out;
  }

  List<String> connectionBudget(Manifests m) {
    List<String> out = new ArrayList<>();
    for (GenericKubernetesResource cluster : m.custom(CNPG_GROUP, "Cluster")) {
      String configured = cluster.get("spec", "postgresql", "parameters", "max_connections");
      int maxConnections = configured == null ? 100 : Integer.parseInt(configured);
      for (Deployment d : m.deployments()) {
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        int pool = intSetting(m, c, "PG_POOL_SIZE");
        int replicas = autoscalersOf(m, d).stream().map(h -> h.getSpec().getMaxReplicas()).filter(Objects::nonNull)
            .max(Integer::compare).orElse(Optional.ofNullable(d.getSpec().getReplicas()).orElse(1));
        if (replicas * pool + RESERVED_DB_CONNECTIONS > maxConnections) {
          out.add(name(d) + " may open " + replicas + " x " + pool + " connections, more than " + name(cluster)
              + " max_connections " + maxConnections + " less " + RESERVED_DB_CONNECTIONS + " reserved");
        }
      }
    }
    return out;
  }

  List<String> databaseHighlyAvailable(Manifests m) {
    List<String> out = new ArrayList<>();
    for (GenericKubernetesResource cluster : m.custom(CNPG_GROUP, "Cluster")) {
      Number instances = cluster.get("spec", "instances");
      if (instances == null || instances.intValue() < 3) {
        out.add(name(cluster) + " has " + instances + " instance(s); production needs a primary and two standbys");
      }
      Number synchronous = cluster.get("spec", "postgresql", "synchronous", "number");
      Number legacyMinSync = cluster.get("spec", "minSyncReplicas");
      if ((synchronous == null || synchronous.intValue() < 1) && (legacyMinSync == null || legacyMinSync.intValue() < 1)) {
        out.add(name(cluster) + " has no synchronous standby: a failover could lose acknowledged payments");
      }
    }
    return out;
  }

  List<String> imagePinned(Manifests m) {
    List<String> out = new ArrayList<>();
    forEachContainer(m, (d, c) -> {
      String image = Objects.requireNonNullElse(c.getImage(), "");
      String lastSegment = image.substring(image.lastIndexOf('/') + 1);
      boolean digest = image.contains("@sha256:");
      boolean tagged = lastSegment.contains(":") && !lastSegment.endsWith(":latest");
      if (!digest && !tagged) {
        out.add(name(d) + " container " + c.getName() + " image " + image + " is not pinned to a tag or digest");
      }
    });
    return out;
  }

  List<String> restrictedPodSecurity(Manifests m) {
    List<String> out = new ArrayList<>();
    Set<String> namespaces = new java.util.TreeSet<>();
    m.all().stream().map(o -> o.getMetadata().getNamespace()).filter(Objects::nonNull).forEach(namespaces::add);
    if (namespaces.isEmpty()) {
      out.add("the objects name no namespace");
    }
    for (String namespace : namespaces) {
      boolean restricted = m.namespaces().stream().anyMatch(ns -> namespace.equals(ns.getMetadata().getName())
          && "restricted".equals(labelsOf(ns).get("pod-security.kubernetes.io/enforce")));
      if (!restricted) {
        out.add("namespace " + namespace + " does not enforce the restricted Pod Security Standard");
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  private interface ContainerCheck {
    void check(Deployment deployment, Container container);
  }

  private static void forEachContainer(Manifests m, ContainerCheck check) {
    for (Deployment d : m.deployments()) {
      containers(d.getSpec().getTemplate().getSpec()).forEach(c -> check.check(d, c));
    }
  }

  private static List<Container> containers(PodSpec pod) {
    List<Container> all = new ArrayList<>(pod.getContainers());
    all.addAll(Optional.ofNullable(pod.getInitContainers()).orElse(List.of()));
    return all;
  }

  /** A setting as the container will see it: its own env, else its ConfigMaps (later ones win), else the default. */
  String setting(Manifests m, Container c, String name) {
    for (EnvVar env : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
      if (name.equals(env.getName()) && env.getValue() != null) {
        return env.getValue();
      }
    }
    String value = settings.defaults().get(name);
    for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
      if (from.getConfigMapRef() != null) {
        Optional<ConfigMap> cm = configMap(m, from.getConfigMapRef().getName());
        Map<String, String> data = cm.map(ConfigMap::getData).orElse(Map.of());
        if (data.get(name) != null && !data.get(name).isBlank()) {
          value = data.get(name);
        }
      }
    }
    return value;
  }

  private int intSetting(Manifests m, Container c, String name) {
    return Integer.parseInt(setting(m, c, name));
  }

  /** "secret/key" that PG_URL comes from, if it comes from a Secret at all. */
  private Optional<String> pgUrlSource(Manifests m, Container c) {
    for (EnvVar env : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
      if ("PG_URL".equals(env.getName())) {
        return env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null
            ? Optional.of(env.getValueFrom().getSecretKeyRef().getName() + "/" + env.getValueFrom().getSecretKeyRef().getKey())
            : Optional.empty();
      }
    }
    for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
      if (from.getSecretRef() != null && secret(m, from.getSecretRef().getName()).map(s -> secretKeys(s).contains("PG_URL"))
          .orElse(false)) {
        return Optional.of(from.getSecretRef().getName() + "/PG_URL");
      }
    }
    return Optional.empty();
  }

  private static Optional<ConfigMap> configMap(Manifests m, String name) {
    return m.configMaps().stream().filter(cm -> name.equals(cm.getMetadata().getName())).findFirst();
  }

  private Optional<Secret> secret(Manifests m, String name) {
    return Stream.concat(m.secrets().stream(), secretTemplates.stream())
        .filter(s -> name.equals(s.getMetadata().getName())).findFirst();
  }

  private static Set<String> secretKeys(Secret secret) {
    Set<String> keys = new java.util.TreeSet<>();
    keys.addAll(Optional.ofNullable(secret.getData()).orElse(Map.of()).keySet());
    keys.addAll(Optional.ofNullable(secret.getStringData()).orElse(Map.of()).keySet());
    return keys;
  }

  private static List<HorizontalPodAutoscaler> autoscalersOf(Manifests m, Deployment d) {
    return m.autoscalers().stream()
        .filter(h -> "Deployment".equals(h.getSpec().getScaleTargetRef().getKind())
            && d.getMetadata().getName().equals(h.getSpec().getScaleTargetRef().getName()))
        .toList();
  }

  private static int minReplicas(Manifests m, Deployment d) {
    return autoscalersOf(m, d).stream().map(h -> h.getSpec().getMinReplicas()).filter(Objects::nonNull)
        .min(Integer::compare).orElse(Optional.ofNullable(d.getSpec().getReplicas()).orElse(1));
  }

  private static List<Service> servicesOf(Manifests m, Deployment d) {
    Map<String, String> labels = podLabels(d);
    return m.services().stream().filter(s -> s.getSpec().getSelector() != null && !s.getSpec().getSelector().isEmpty()
        && labels.entrySet().containsAll(s.getSpec().getSelector().entrySet())).toList();
  }

  private static List<NetworkPolicy> policiesOf(Manifests m, Deployment d) {
    return m.networkPolicies().stream()
        .filter(p -> selects(p.getSpec().getPodSelector(), podLabels(d)))
        .filter(p -> p.getSpec().getPolicyTypes() == null || p.getSpec().getPolicyTypes().contains("Ingress"))
        .toList();
  }

  /** Whether a NetworkPolicy rule admits traffic to this container port (no ports listed means all ports). */
  private static boolean covers(NetworkPolicyIngressRule rule, Container c, int port) {
    List<NetworkPolicyPort> ports = rule.getPorts();
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    return ports.stream().anyMatch(p -> {
      if (p.getPort() == null) {
        return true;
      }
      int first = containerPort(c, p.getPort());
      int last = p.getEndPort() == null ? first : p.getEndPort();
      return first <= port && port <= last;
    });
  }

  private static boolean routes(Ingress ingress, String path) {
    return backends(ingress).anyMatch(p -> {
      String routed = Objects.requireNonNullElse(p.getPath(), "/");
      if ("Exact".equals(p.getPathType())) {
        return routed.equals(path);
      }
      String prefix = routed.endsWith("/") ? routed : routed + "/";
      return routed.equals(path) || path.startsWith(prefix);
    }) || ingress.getSpec().getDefaultBackend() != null;
  }

  private static Stream<HTTPIngressPath> backends(Ingress ingress) {
    return Optional.ofNullable(ingress.getSpec().getRules()).orElse(List.of()).stream()
        .map(IngressRule::getHttp).filter(Objects::nonNull)
        .flatMap(http -> http.getPaths().stream())
        .filter(p -> p.getBackend() != null && p.getBackend().getService() != null);
  }

  private static boolean sameServicePort(HTTPIngressPath path, ServicePort servicePort) {
    var port = path.getBackend().getService().getPort();
    return port != null && (Objects.equals(port.getName(), servicePort.getName())
        || Objects.equals(port.getNumber(), servicePort.getPort()));
  }

  private static boolean targets(Container c, ServicePort servicePort, int containerPort) {
    IntOrString target = servicePort.getTargetPort() == null ? new IntOrString(servicePort.getPort()) : servicePort.getTargetPort();
    return containerPort(c, target) == containerPort;
  }

  /** A port number, or a name looked up among the container's ports; -1 when the name is unknown. */
  static int containerPort(Container c, IntOrString port) {
    if (port == null) {
      return -1;
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal();
    if (name != null && name.matches("\\d+")) {
      return Integer.parseInt(name);
    }
    return Optional.ofNullable(c.getPorts()).orElse(List.of()).stream()
        .filter(p -> Objects.equals(name, p.getName())).map(ContainerPort::getContainerPort).findFirst().orElse(-1);
  }

  private static int count(IntOrString value, int replicas, boolean roundUp) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    String text = value.getStrVal().strip();
    if (text.endsWith("%")) {
      double share = Double.parseDouble(text.substring(0, text.length() - 1)) / 100.0 * replicas;
      return (int) (roundUp ? Math.ceil(share) : Math.floor(share));
    }
    return Integer.parseInt(text);
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null || isEmpty(selector)) {
      return selector != null;
    }
    if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
      return false;
    }
    return labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }

  private static boolean isEmpty(LabelSelector selector) {
    return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
  }

  private static Map<String, String> podLabels(Deployment d) {
    return Optional.ofNullable(d.getSpec().getTemplate().getMetadata().getLabels()).orElse(Map.of());
  }

  private static Map<String, String> labelsOf(io.fabric8.kubernetes.api.model.HasMetadata o) {
    return Optional.ofNullable(o.getMetadata().getLabels()).orElse(Map.of());
  }

  private static String describe(IntOrString port) {
    return port == null ? "(none)" : port.getIntVal() != null ? String.valueOf(port.getIntVal()) : port.getStrVal();
  }

  static String name(io.fabric8.kubernetes.api.model.HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getName();
  }
}
