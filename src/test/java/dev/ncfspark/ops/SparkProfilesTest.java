package dev.ncfspark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.junit.jupiter.api.Test;

/** conf/spark-*.properties: the keys each profile needs, with values Spark accepts. */
class SparkProfilesTest {
  private static final List<String> PROFILES = List.of("spark-local", "spark-cluster-cpu", "spark-cluster-gpu", "spark-s3");
  private static final Pattern CREDENTIAL_KEY = Pattern.compile("(?i).*(secret|access\\.key|session\\.token|password).*");

  static Properties load(String profile) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of("conf", profile + ".properties"))) {
      p.load(r);
    }
    return p;
  }

  @Test
  void everyProfileIsCommentedHasOnlySparkKeysAndNoCredentials() throws IOException {
    SparkSession spark = SparkTestSession.get();
    for (String profile : PROFILES) {
      String text = Files.readString(Path.of("conf", profile + ".properties"));
      assertTrue(text.startsWith("# Spark profile"), profile + " starts with a comment saying what it is for");
      Properties p = load(profile);
      assertFalse(p.isEmpty(), profile);
      for (String key : p.stringPropertyNames()) {
        String value = p.getProperty(key).trim();
        assertTrue(key.startsWith("spark."), profile + ": " + key);
        assertFalse(value.isEmpty(), profile + ": " + key + " has no value");
        assertFalse(CREDENTIAL_KEY.matcher(key).matches(), profile + ": credentials never go into a profile: " + key);
        if (key.startsWith("spark.sql.")) {
          assertTrue(spark.conf().isModifiable(key) || SQLConf.isStaticConfigKey(key), profile + ": unknown Spark SQL setting " + key);
          spark.conf().get(key); // known to this Spark version
        }
        if (key.endsWith(".memory") || key.endsWith(".memoryOverhead") || key.endsWith("Bytes") || key.endsWith(".size")
            || key.endsWith("buffer.max") || key.endsWith("maxResultSize")) {
          assertTrue(JavaUtils.byteStringAsBytes(value) > 0, profile + ": " + key + "=" + value);
        }
        if (key.endsWith(".cores") || key.endsWith("Executors") || key.endsWith("partitions") || key.endsWith("maxFailures")) {
          assertTrue(Integer.parseInt(value) > 0, profile + ": " + key + "=" + value);
        }
        if (key.endsWith("timeout") || key.endsWith("Timeout") || key.endsWith(".wait")) {
          assertTrue(JavaUtils.timeStringAsMs(value) >= 0, profile + ": " + key + "=" + value);
        }
        if (value.equals("true") || value.equals("false")) {
          continue;
        }
        if (key.equals("spark.serializer") || key.equals("spark.plugins") || key.equals("spark.kryo.registrator") || key.endsWith("ProtocolClass") || key.endsWith("committer.class")) {
          for (String cls : value.split(",")) {
            if (!cls.startsWith("com.nvidia.")) { // the RAPIDS jar is passed with --jars, not on the test classpath
              assertClassExists(profile, key, cls.trim());
            }
          }
        }
      }
    }
  }

  @Test
  void localProfileRunsOnThisMachineAndClusterProfilesLeaveTheMasterToTheSubmitter() throws IOException {
    assertTrue(load("spark-local").getProperty("spark.master").startsWith("local["));
    for (String profile : List.of("spark-cluster-cpu", "spark-cluster-gpu", "spark-s3")) {
      assertFalse(load(profile).containsKey("spark.master"), profile);
      assertFalse(load(profile).containsKey("spark.submit.deployMode"), profile);
    }
    Properties cpu = load("spark-cluster-cpu");
    for (String key : List.of("spark.executor.memory", "spark.executor.cores", "spark.executor.memoryOverhead", "spark.sql.shuffle.partitions",
        "spark.sql.adaptive.enabled", "spark.sql.session.timeZone", "spark.serializer", "spark.task.maxFailures")) {
      assertNotNull(cpu.getProperty(key), "spark-cluster-cpu: " + key);
    }
    assertEquals("UTC", cpu.getProperty("spark.sql.session.timeZone"));
  }

  @Test
  void gpuProfileSchedulesOneGpuPerExecutorSharedByItsTasks() throws IOException {
    Properties gpu = load("spark-cluster-gpu");
    assertTrue(List.of(gpu.getProperty("spark.plugins").split(",")).contains("com.nvidia.spark.SQLPlugin"));
    assertEquals("true", gpu.getProperty("spark.rapids.sql.enabled"));
    if (gpu.getProperty("spark.serializer", "").contains("Kryo")) {
      assertTrue(gpu.getProperty("spark.kryo.registrator", "").contains("com.nvidia.spark.rapids.GpuKryoRegistrator"),
          "RAPIDS with Kryo needs GpuKryoRegistrator (SparkContext fails to start without it)");
    }
    double executorGpus = Double.parseDouble(gpu.getProperty("spark.executor.resource.gpu.amount"));
    double taskGpus = Double.parseDouble(gpu.getProperty("spark.task.resource.gpu.amount"));
    int cores = Integer.parseInt(gpu.getProperty("spark.executor.cores"));
    assertEquals(Math.rint(executorGpus), executorGpus, "executors ask for whole GPUs");
    assertTrue(executorGpus >= 1, "at least one GPU per executor");
    assertTrue(taskGpus > 0 && taskGpus <= executorGpus, "task amount " + taskGpus + " <= executor amount " + executorGpus);
    if (taskGpus < 1) {
      assertEquals(Math.rint(1 / taskGpus), 1 / taskGpus, 1e-9, "a fractional task amount must divide one GPU (Spark's rule)");
    }
    assertEquals(cores, (int) Math.round(executorGpus / taskGpus), "GPU slots = CPU slots: neither leaves the other idle");
    assertTrue(gpu.getProperty("spark.executor.resource.gpu.discoveryScript").endsWith(".sh"));
    assertTrue(JavaUtils.byteStringAsBytes(gpu.getProperty("spark.rapids.memory.pinnedPool.size"))
        <= JavaUtils.byteStringAsBytes(gpu.getProperty("spark.executor.memoryOverhead")), "the pinned pool fits in the overhead");
    assertTrue(Integer.parseInt(gpu.getProperty("spark.rapids.sql.concurrentGpuTasks")) <= cores);
    double alloc = Double.parseDouble(gpu.getProperty("spark.rapids.memory.gpu.allocFraction"));
    assertTrue(alloc > 0 && alloc <= Double.parseDouble(gpu.getProperty("spark.rapids.memory.gpu.maxAllocFraction")) && alloc <= 1);
    assertTrue(Files.readString(Path.of("conf", "spark-cluster-gpu.properties")).contains("-Pgpu"),
        "the GPU profile says where nd4j-cuda comes from");
  }

  @Test
  void s3ProfileWritesThroughAnS3ACommitter() throws IOException {
    Properties s3 = load("spark-s3");
    assertEquals("org.apache.spark.internal.io.cloud.PathOutputCommitProtocol", s3.getProperty("spark.sql.sources.commitProtocolClass"));
    assertEquals("org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter", s3.getProperty("spark.sql.parquet.output.committer.class"));
    assertTrue(List.of("magic", "directory", "partitioned").contains(s3.getProperty("spark.hadoop.fs.s3a.committer.name")));
    assertClassExists("spark-s3", "factory", s3.getProperty("spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a"));
    if (s3.getProperty("spark.hadoop.fs.s3a.committer.name").equals("magic")) {
      assertEquals("true", s3.getProperty("spark.hadoop.fs.s3a.committer.magic.enabled"));
    }
  }

  private static void assertClassExists(String profile, String key, String cls) {
    try {
      Class.forName(cls, false, SparkProfilesTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(profile + ": " + key + " names a class that does not exist: " + cls, e);
    }
  }
}
