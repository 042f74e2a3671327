package dev.ncfspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The features stage's .npy exports as NumPy itself (Debian's python3-numpy) reads them. */
final class NumPyCheck {
  private NumPyCheck() {}

  /** numpy.load of the file: float32, C order, (rows, columns), and row k equal to the Parquet vector of dense id k (zeros for null). */
  @SuppressWarnings("unchecked")
  static void rowKIsDenseIdK(Path npy, Dataset<Row> table, String idColumn, String vectorColumn, int columns) throws Exception {
    String script = "import json, sys, numpy\n"
        + "a = numpy.load(sys.argv[1])\n"
        + "print(json.dumps({'dtype': str(a.dtype), 'descr': a.dtype.str, 'shape': list(a.shape),"
        + " 'c_order': bool(a.flags['C_CONTIGUOUS']), 'rows': a.tolist()}))\n";
    Map<String, Object> loaded = Json.readMap(python(List.of("-c", script, npy.toString())));
    List<Row> rows = table.select(idColumn, vectorColumn).orderBy(idColumn).collectAsList();
    assertEquals("float32", loaded.get("dtype"), npy.toString());
    assertEquals("<f4", loaded.get("descr"));
    assertEquals(List.of(rows.size(), columns), loaded.get("shape"));
    assertEquals(true, loaded.get("c_order"));
    List<List<Number>> matrix = (List<List<Number>>) loaded.get("rows");
    for (int k = 0; k < rows.size(); k++) {
      assertEquals(k, rows.get(k).getInt(0));
      // a null vector (an item without text has no embedding) is a row of zeros
      List<Float> expected = rows.get(k).isNullAt(1) ? java.util.Collections.nCopies(columns, 0f) : rows.get(k).getList(1);
      List<Float> actual = matrix.get(k).stream().map(Number::floatValue).toList();
      assertEquals(expected, actual, npy.getFileName() + " row " + k);
    }
  }

  static boolean available() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** python3 with {@code args}: its standard output (stderr to the test's own). */
  private static String python(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 did not finish in 60 s");
    assertEquals(0, p.exitValue(), "python3 " + args + " failed; its output: " + out);
    return out;
  }
}
