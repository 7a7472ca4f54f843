package ua.epetitions.gateway.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings the schema up to date with Flyway. Blocking: run it before Vert.x serves traffic. */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static void migrate(PostgresLocation location) {
    var properties = location.jdbcProperties();
    Flyway flyway =
        Flyway.configure()
            .dataSource(
                location.jdbcUrl(),
                properties.getProperty("user"),
                properties.getProperty("password"))
            .locations("classpath:db/migration")
            .connectRetries(10)
            .load();
    MigrateResult result = flyway.migrate();
    log.info(
        "database: schema at version={} migrationsApplied={}",
        result.targetSchemaVersion != null
            ? result.targetSchemaVersion
            : flyway.info().current().getVersion(),
        result.migrationsExecuted);
  }
}
