package dev.qiwigateway.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A set of Kubernetes objects parsed into fabric8's typed model: the built-in kinds as their own classes,
 * custom resources (ServiceMonitor, CloudNativePG Cluster) as {@link GenericKubernetesResource}.
 */
public final class Manifests {

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private final List<HasMetadata> objects;

  public Manifests(List<HasMetadata> objects) {
    this.objects = List.copyOf(objects);
  }

  /** Every document of a (multi-document) YAML text; documents holding only comments are skipped. */
  public static Manifests parse(String yaml) {
    List<HasMetadata> parsed = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      if (hasContent(document)) {
        Object object = SERIALIZATION.unmarshal(document);
        if (!(object instanceof HasMetadata resource)) {
          throw new IllegalArgumentException("not a Kubernetes object: " + firstLine(document));
        }
        parsed.add(resource);
      }
    }
    return new Manifests(parsed);
  }

  public static Manifests read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The objects of several files together, e.g. every manifest of the kustomize base. */
  public static Manifests read(List<Path> files) {
    List<HasMetadata> all = new ArrayList<>();
    files.forEach(file -> all.addAll(read(file).all()));
    return new Manifests(all);
  }

  /** A deep copy, for tests that break one object without touching the original. */
  public Manifests copy() {
    return new Manifests(objects.stream().map(SERIALIZATION::clone).toList());
  }

  public Manifests with(HasMetadata extra) {
    List<HasMetadata> more = new ArrayList<>(objects);
    more.add(extra);
    return new Manifests(more);
  }

  public Manifests without(Predicate<HasMetadata> unwanted) {
    return new Manifests(objects.stream().filter(unwanted.negate()).toList());
  }

  public List<HasMetadata> all() {
    return objects;
  }

  public List<Deployment> deployments() {
    return ofType(Deployment.class);
  }

  public List<StatefulSet> statefulSets() {
    return ofType(StatefulSet.class);
  }

  public List<Service> services() {
    return ofType(Service.class);
  }

  public List<ConfigMap> configMaps() {
    return ofType(ConfigMap.class);
  }

  public List<Secret> secrets() {
    return ofType(Secret.class);
  }

  public List<HorizontalPodAutoscaler> autoscalers() {
    return ofType(HorizontalPodAutoscaler.class);
  }

  public List<PodDisruptionBudget> disruptionBudgets() {
    return ofType(PodDisruptionBudget.class);
  }

  public List<NetworkPolicy> networkPolicies() {
    return ofType(NetworkPolicy.class);
  }

  public List<Ingress> ingresses() {
    return ofType(Ingress.class);
  }

  public List<Namespace> namespaces() {
    return ofType(Namespace.class);
  }

  /** Custom resources of one group and kind, e.g. ("postgresql.cnpg.io", "Cluster"). */
  public List<GenericKubernetesResource> custom(String group, String kind) {
    return ofType(GenericKubernetesResource.class).stream()
        .filter(r -> kind.equals(r.getKind()) && r.getApiVersion() != null
            && r.getApiVersion().startsWith(group + "/"))
        .toList();
  }

  public <T extends HasMetadata> T named(Class<T> type, String name) {
    return ofType(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + type.getSimpleName() + " named " + name));
  }

  public <T extends HasMetadata> List<T> ofType(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static boolean hasContent(String document) {
    return document.lines().map(String::strip).anyMatch(line -> !line.isEmpty() && !line.startsWith("#"));
  }

  private static String firstLine(String document) {
    return document.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .findFirst().orElse("");
  }

  @Override
  public String toString() {
    return objects.stream().map(o -> o.getKind() + "/" + Objects.requireNonNullElse(o.getMetadata().getName(), "?"))
        .toList().toString();
  }
}
