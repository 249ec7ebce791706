package dev.qiwigateway.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Loads settings from the YAML defaults and then the environment, so that the environment wins
 * (Kubernetes sets env; the default store order would let the file override it).
 */
public final class ConfigLoader {

  /** Overrides the defaults file, e.g. a mounted ConfigMap. */
  public static final String CONFIG_FILE_VARIABLE = "CONFIG_FILE";
  static final String DEFAULT_FILE = "conf/application.yaml";

  private ConfigLoader() {
  }

  public static Future<GatewayConfig> load(Vertx vertx) {
    String file = System.getenv().getOrDefault(CONFIG_FILE_VARIABLE, DEFAULT_FILE);
    ConfigStoreOptions yaml = new ConfigStoreOptions()
        .setType("file")
        .setFormat("yaml")
        // The jar carries the same file, so the defaults exist wherever the jar runs.
        .setOptional(true)
        .setConfig(new JsonObject().put("path", file));
    ConfigStoreOptions env = new ConfigStoreOptions()
        .setType("env")
        .setConfig(new JsonObject().put("raw-data", true));
    ConfigRetriever retriever = ConfigRetriever.create(vertx,
        new ConfigRetrieverOptions().setIncludeDefaultStores(false).addStore(yaml).addStore(env).setScanPeriod(0));
    return retriever.getConfig()
        .eventually(retriever::close)
        .map(GatewayConfig::from);
  }
}
