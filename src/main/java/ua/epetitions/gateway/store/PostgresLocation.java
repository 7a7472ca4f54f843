package ua.epetitions.gateway.store;

import io.vertx.pgclient.PgConnectOptions;
import java.util.Map;
import java.util.Properties;

/**
 * Where PostgreSQL is, from a {@code postgresql://} URL: as Vert.x connect options for the gateway,
 * and as a JDBC URL for the migrations that run before Vert.x starts.
 */
public record PostgresLocation(String url, int statementTimeoutMs) {

  public PgConnectOptions connectOptions() {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    options.setProperties(Map.of("statement_timeout", Integer.toString(statementTimeoutMs)));
    options.setPipeliningLimit(256);
    return options;
  }

  public String jdbcUrl() {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    return "jdbc:postgresql://"
        + options.getHost()
        + ":"
        + options.getPort()
        + "/"
        + options.getDatabase();
  }

  public Properties jdbcProperties() {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    Properties properties = new Properties();
    properties.setProperty("user", options.getUser());
    if (options.getPassword() != null) {
      properties.setProperty("password", options.getPassword());
    }
    properties.setProperty("connectTimeout", "10");
    return properties;
  }
}
