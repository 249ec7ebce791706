package dev.qiwigateway.db;

import io.vertx.pgclient.PgConnectOptions;

/** PG_URL in the two forms the gateway needs: reactive options for traffic, JDBC for Flyway at start-up. */
public record PostgresUrl(String url) {

  public PgConnectOptions connectOptions() {
    return PgConnectOptions.fromUri(url);
  }

  public String jdbcUrl() {
    PgConnectOptions options = connectOptions();
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }

  public String user() {
    return connectOptions().getUser();
  }

  public String password() {
    return connectOptions().getPassword();
  }

  public static String of(String host, int port, String database, String user, String password) {
    String credentials = password == null ? user : user + ":" + password;
    return "postgresql://" + credentials + "@" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "PostgresUrl[" + jdbcUrl() + "]";
  }
}
