package dev.ncfspark.data;

/**
 * Column names of the canonical tables every stage reads and writes. Original ids ({@link #USER},
 * {@link #ITEM}) keep their source type (long for MovieLens, string for e.g. Amazon); dense ids
 * ({@link #USER_IDX}, {@link #ITEM_IDX}) are ints 0..n-1.
 */
public final class Columns {
  public static final String USER = "user";
  public static final String ITEM = "item";
  public static final String RATING = "rating";
  public static final String TIMESTAMP = "timestamp";
  public static final String USER_IDX = "user_idx";
  public static final String ITEM_IDX = "item_idx";
  /** Which split a row belongs to: train, validation or test. */
  public static final String SPLIT = "split";
  /** Why a row was set aside (rejected/ tables). */
  public static final String REASON = "reason";
  /** An evaluated user's fixed negative items (array of item_idx). */
  public static final String NEGATIVE_ITEMS = "negative_items";

  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";

  private Columns() {}
}
