package ua.epetitions.gateway.store;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Small helpers to turn row sets into domain values. */
final class Rows {
  private Rows() {}

  static <T> List<T> map(RowSet<Row> rows, Function<Row, T> mapper) {
    List<T> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      out.add(mapper.apply(row));
    }
    return out;
  }

  static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> mapper) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(mapper.apply(iterator.next())) : Optional.empty();
  }
}
