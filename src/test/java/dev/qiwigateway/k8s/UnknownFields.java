package dev.qiwigateway.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * fabric8 keeps a field it does not know in the object's additionalProperties instead of failing, so a
 * misspelt key ({@code readinesProbe}) would parse and then silently do nothing in the cluster. This walks
 * the typed model and reports every such field by its path.
 */
final class UnknownFields {

  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  private UnknownFields() {
  }

  static List<String> violations(Manifests manifests) {
    List<String> out = new ArrayList<>();
    for (HasMetadata object : manifests.all()) {
      if (!(object instanceof GenericKubernetesResource)) {
        walk(object, ManifestRules.name(object), out, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
      }
    }
    return out;
  }

  private static void walk(Object node, String path, List<String> out, Set<Object> seen) {
    if (node == null || !seen.add(node)) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> walk(value, path + "." + key, out, seen));
      return;
    }
    if (!node.getClass().getName().startsWith(MODEL_PACKAGE)) {
      return;
    }
    for (Class<?> type = node.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        Object value = read(field, node);
        if (field.getName().equals("additionalProperties") && value instanceof Map<?, ?> extra) {
          extra.keySet().forEach(key -> out.add(path + "." + key + " is not a field of " + node.getClass().getSimpleName()));
        } else {
          walk(value, path + "." + field.getName(), out, seen);
        }
      }
    }
  }

  private static Object read(Field field, Object node) {
    try {
      field.setAccessible(true);
      return field.get(node);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + field, e);
    }
  }
}
