package ua.epetitions.loadtest;

/** Reads a simulation's parameters from system properties, with a default for each. */
final class LoadParameters {

  private LoadParameters() {}

  static String text(String name, String fallback) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  static long whole(String name, long fallback) {
    String value = text(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "system property '" + name + "' is '" + value + "'; it must be a whole number", e);
    }
  }

  static double decimal(String name, double fallback) {
    String value = text(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "system property '" + name + "' is '" + value + "'; it must be a number", e);
    }
  }
}
