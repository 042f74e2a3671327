package dev.ncfspark.data.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.ingest.IngestResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * User side information keyed by dense id: one row per user of the id map (user_idx, user) with
 * one-hot float vectors for gender, age group and occupation, and {@code demographics}, the three
 * concatenated in that order. Ages fall into ML-1M's seven groups (ML-1M's own age codes are the
 * groups' first ages, so both archives get the same groups). A user without attributes (or with an
 * unknown value) gets zeros.
 */
public final class UserFeatures {
  public static final String GENDER = "gender";
  public static final String AGE_GROUP = "age_group";
  public static final String OCCUPATION = "occupation";
  /** gender, age group and occupation one-hots concatenated (the rows of the .npy export). */
  public static final String DEMOGRAPHICS = "demographics";
  /** Columns of the vocabulary table ({@link #vocabularyTable}). */
  public static final String ATTRIBUTE = "attribute";
  public static final String VALUE = "value";
  public static final String POSITION = "position";
  public static final String DEMOGRAPHICS_POSITION = "demographics_position";
  /** The age groups of ML-1M's README (codes 1, 18, 25, 35, 45, 50, 56). */
  public static final List<String> AGE_GROUPS = List.of("under-18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+");
  /** The first age after each group but the last. */
  private static final int[] AGE_GROUP_ENDS = {18, 25, 35, 45, 50, 56};

  private UserFeatures() {}

  /** The three attributes' vocabularies, in the order of {@link #DEMOGRAPHICS}. */
  public record Vocabularies(Vocabulary gender, Vocabulary ageGroup, Vocabulary occupation) {
    public List<Vocabulary> all() {
      return List.of(gender, ageGroup, occupation);
    }

    /** Length of the demographics vector. */
    public int size() {
      return all().stream().mapToInt(Vocabulary::size).sum();
    }
  }

  /** Genders and occupations of every user with metadata (sorted); the fixed age groups. */
  public static Vocabularies vocabularies(Dataset<Row> metadata) {
    return new Vocabularies(
        Vocabulary.of(GENDER, metadata.select(col(IngestResult.GENDER))),
        new Vocabulary(AGE_GROUP, AGE_GROUPS),
        Vocabulary.of(OCCUPATION, metadata.select(col(IngestResult.OCCUPATION))));
  }

  /** (attribute, value, position in the attribute's vector, position in demographics). */
  public static Dataset<Row> vocabularyTable(SparkSession spark, Vocabularies vocabularies) {
    List<Row> rows = new ArrayList<>();
    int offset = 0;
    for (Vocabulary v : vocabularies.all()) {
      for (int i = 0; i < v.size(); i++) {
        rows.add(RowFactory.create(v.attribute(), v.values().get(i), i, offset + i));
      }
      offset += v.size();
    }
    StructType schema = new StructType().add(ATTRIBUTE, DataTypes.StringType, false).add(VALUE, DataTypes.StringType, false)
        .add(POSITION, DataTypes.IntegerType, false).add(DEMOGRAPHICS_POSITION, DataTypes.IntegerType, false);
    return spark.createDataFrame(rows, schema);
  }

  /**
   * One row per user of {@code indexUsers} (user, user_idx): user_idx, user, gender, age_group,
   * occupation, demographics. {@code metadata}: ingest's users (user, gender, age, occupation).
   */
  public static Dataset<Row> of(Dataset<Row> indexUsers, Dataset<Row> metadata, Vocabularies vocabularies) {
    Dataset<Row> users = indexUsers.select(Columns.USER, Columns.USER_IDX).join(onePerUser(metadata), new String[] {Columns.USER}, "left");
    Column gender = vocabularies.gender().oneHot(col(IngestResult.GENDER));
    Column ageGroup = vocabularies.ageGroup().oneHot(ageGroup(col(IngestResult.AGE)));
    Column occupation = vocabularies.occupation().oneHot(col(IngestResult.OCCUPATION));
    return users.select(col(Columns.USER_IDX), col(Columns.USER), gender.as(GENDER), ageGroup.as(AGE_GROUP),
        occupation.as(OCCUPATION), concat(gender, ageGroup, occupation).as(DEMOGRAPHICS));
  }

  /** The age group of an age in years (or of an ML-1M age code); null for a null age. */
  static Column ageGroup(Column age) {
    Column group = when(age.lt(AGE_GROUP_ENDS[0]), AGE_GROUPS.get(0));
    for (int g = 1; g < AGE_GROUP_ENDS.length; g++) {
      group = group.when(age.lt(AGE_GROUP_ENDS[g]), AGE_GROUPS.get(g));
    }
    return group.when(age.isNotNull(), AGE_GROUPS.get(AGE_GROUPS.size() - 1));
  }

  /** One attribute row per user, whatever the source: the smallest (gender, age, occupation) of an id listed twice. */
  private static Dataset<Row> onePerUser(Dataset<Row> metadata) {
    return metadata.groupBy(col(Columns.USER))
        .agg(min(struct(col(IngestResult.GENDER), col(IngestResult.AGE), col(IngestResult.OCCUPATION))).as("_m"))
        .select(col(Columns.USER), col("_m." + IngestResult.GENDER).as(IngestResult.GENDER),
            col("_m." + IngestResult.AGE).as(IngestResult.AGE), col("_m." + IngestResult.OCCUPATION).as(IngestResult.OCCUPATION));
  }
}
