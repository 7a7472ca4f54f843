import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Counts, for each petition named, the signature rows PostgreSQL holds, the distinct signers among
 * them and the petition's persisted count, for run.sh's verification. Runs as a single-file program
 * on the gateway jar's class path (which carries the PostgreSQL driver):
 *
 * <pre>java -cp signing-gateway.jar tools/SignatureRows.java JDBC_URL ID[,ID...] [--delete-one-row]
 * </pre>
 *
 * Prints one line per petition: {@code petition=ID rows=N distinctSigners=M persistedCount=P}. With
 * --delete-one-row it first deletes one row of the first petition, to show that the verification
 * catches a missing signature.
 */
public class SignatureRows {

  private static final String COUNT =
      "SELECT (SELECT count(*) FROM signatures WHERE petition_id = p.id),"
          + " (SELECT count(DISTINCT signer_key) FROM signatures WHERE petition_id = p.id),"
          + " p.persisted_count FROM petitions p WHERE p.id = ?";
  private static final String DELETE_ONE =
      "DELETE FROM signatures WHERE ctid IN"
          + " (SELECT ctid FROM signatures WHERE petition_id = ? LIMIT 1)";

  public static void main(String[] args) throws SQLException {
    if (args.length < 2) {
      System.err.println("usage: SignatureRows JDBC_URL ID[,ID...] [--delete-one-row]");
      System.exit(2);
    }
    String[] ids = args[1].split(",");
    boolean deleteOne = args.length > 2 && args[2].equals("--delete-one-row");
    try (Connection connection = DriverManager.getConnection(args[0], "postgres", "")) {
      if (deleteOne) {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_ONE)) {
          delete.setLong(1, Long.parseLong(ids[0]));
          System.err.println(
              "tamper: petition=" + ids[0] + " deleted rows=" + delete.executeUpdate());
        }
      }
      try (PreparedStatement count = connection.prepareStatement(COUNT)) {
        for (String id : ids) {
          count.setLong(1, Long.parseLong(id));
          try (ResultSet result = count.executeQuery()) {
            if (!result.next()) {
              System.out.println("petition=" + id + " rows=0 distinctSigners=0 persistedCount=-1");
              continue;
            }
            System.out.println(
                "petition="
                    + id
                    + " rows="
                    + result.getLong(1)
                    + " distinctSigners="
                    + result.getLong(2)
                    + " persistedCount="
                    + result.getLong(3));
          }
        }
      }
    }
  }
}
