/**
 * Prints a SQL statement constant of the gateway's jar (run with the jar on the class path), so that
 * loadtest/bench/ingest-statement.sh replays exactly the statement the gateway sends.
 * Usage: java -cp target/qiwi-gateway.jar loadtest/bench/java/StatementText.java CLASS FIELD
 */
public class StatementText {
  public static void main(String[] args) throws ReflectiveOperationException {
    java.lang.reflect.Field field = Class.forName(args[0]).getDeclaredField(args[1]);
    field.setAccessible(true);
    System.out.println(field.get(null));
  }
}
