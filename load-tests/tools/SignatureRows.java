import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Counts the signature rows PostgreSQL holds for one petition, and the distinct signers among
 * them, for run.sh's verification. Runs as a single-file program on the gateway jar's class path
 * (which carries the PostgreSQL driver):
 *
 * <pre>java -cp ../target/signing-gateway.jar tools/SignatureRows.java JDBC_URL PETITION_ID [--delete-one-row]</pre>
 *
 * Prints {@code rows=N distinctSigners=M}. With --delete-one-row it first deletes one row of the
 * petition, to show that the verification catches a missing signature.
 */
public class SignatureRows {

  private static final String COUNT =
      "SELECT count(*), count(DISTINCT signer_key) FROM signatures WHERE petition_id = ?";
  private static final String DELETE_ONE =
      "DELETE FROM signatures WHERE ctid IN"
          + " (SELECT ctid FROM signatures WHERE petition_id = ? LIMIT 1)";

  public static void main(String[] args) throws SQLException {
    if (args.length < 2) {
      System.err.println("usage: SignatureRows JDBC_URL PETITION_ID [--delete-one-row]");
      System.exit(2);
    }
    long petitionId = Long.parseLong(args[1]);
    boolean deleteOne = args.length > 2 && args[2].equals("--delete-one-row");
    try (Connection connection = DriverManager.getConnection(args[0], "postgres", "")) {
      if (deleteOne) {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_ONE)) {
          delete.setLong(1, petitionId);
          System.err.println("tamper: deleted rows=" + delete.executeUpdate());
        }
      }
      try (PreparedStatement count = connection.prepareStatement(COUNT)) {
        count.setLong(1, petitionId);
        try (ResultSet result = count.executeQuery()) {
          result.next();
          System.out.println("rows=" + result.getLong(1) + " distinctSigners=" + result.getLong(2));
        }
      }
    }
  }
}
