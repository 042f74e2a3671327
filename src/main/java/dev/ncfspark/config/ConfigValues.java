package dev.ncfspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Arrays;
import java.util.Locale;

/** Small checked readers shared by the config sections: enums by their kebab-case name, ranges. */
public final class ConfigValues {
  private ConfigValues() {}

  static <E extends Enum<E>> E enumValue(Config c, String path, Class<E> type) {
    String value = c.getString(path).trim();
    for (E e : type.getEnumConstants()) {
      if (kebab(e).equals(value.toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new ConfigException.BadValue(
        c.origin(), path, "expected one of " + Arrays.stream(type.getEnumConstants()).map(ConfigValues::kebab).toList() + ", found '" + value + "'");
  }

  /** An enum constant as written in the configuration: LEAVE_ONE_OUT is leave-one-out. */
  public static String kebab(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static int intAtLeast(Config c, String path, int min) {
    int v = c.getInt(path);
    if (v < min) {
      throw new ConfigException.BadValue(c.origin(), path, "expected an integer >= " + min + ", found " + v);
    }
    return v;
  }

  /** An integer >= {@code min}, or the string {@code auto} as {@code auto}. */
  static int intOrAuto(Config c, String path, int min, int auto) {
    if (c.getValue(path).valueType() == com.typesafe.config.ConfigValueType.STRING && c.getString(path).trim().equalsIgnoreCase("auto")) {
      return auto;
    }
    try {
      return intAtLeast(c, path, min);
    } catch (ConfigException.WrongType e) {
      throw new ConfigException.BadValue(c.origin(), path, "expected auto or an integer >= " + min + ", found '" + c.getValue(path).unwrapped() + "'");
    }
  }

  static double doubleIn(Config c, String path, double min, double max) {
    double v = c.getDouble(path);
    if (!(v >= min && v <= max)) {
      throw new ConfigException.BadValue(c.origin(), path, "expected a number in [" + min + ", " + max + "], found " + v);
    }
    return v;
  }
}
