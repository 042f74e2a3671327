package dev.ncfspark.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.config.ModelsConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelDefinitionTest {

  @Test
  void everyModelHasOneNameThatLeadsBackToIt() {
    Set<String> names = Arrays.stream(ModelDefinition.values()).map(ModelDefinition::configName).collect(Collectors.toSet());
    assertEquals(ModelDefinition.values().length, names.size(), "names are unique");
    for (ModelDefinition m : ModelDefinition.values()) {
      assertEquals(Optional.of(m), ModelDefinition.byName(m.configName()));
      assertEquals(m.configName(), m.toString(), "metrics, folders and the report use the configuration name");
    }
    assertEquals(Optional.empty(), ModelDefinition.byName("NeuMF"), "names are exact");
  }

  @Test
  void theNcfModelsAreTrainedByTheTrainStageAndRatingModelsNeedRatings() {
    assertEquals(List.of(ModelDefinition.GMF, ModelDefinition.MLP, ModelDefinition.NEUMF, ModelDefinition.VBPR, ModelDefinition.NEUMF_FEATURES),
        Arrays.stream(ModelDefinition.values()).filter(ModelDefinition::trainedByTrainStage).toList());
    assertEquals(List.of(ModelDefinition.CONTENT_KNN, ModelDefinition.VBPR, ModelDefinition.NEUMF_FEATURES),
        Arrays.stream(ModelDefinition.values()).filter(m -> m.needs().contains(ModelDefinition.Need.ITEM_FEATURES)).toList());
    for (ModelDefinition m : ModelDefinition.values()) {
      assertEquals(m.task() == ModelDefinition.Task.RATING_PREDICTION, m.needs().contains(ModelDefinition.Need.RATINGS), m.toString());
    }
  }

  @Test
  void theConfigurationReadsModelsByNameInTheirTrainingOrder() {
    ModelsConfig models = ExperimentConfigLoader.load(Optional.empty(), List.of("models.enabled=[neumf, most-pop, gmf, global-mean]"))
        .models();
    assertEquals(List.of(ModelDefinition.NEUMF, ModelDefinition.MOST_POP, ModelDefinition.GMF, ModelDefinition.GLOBAL_MEAN), models.enabled());
    assertEquals(List.of(ModelDefinition.GMF, ModelDefinition.NEUMF), models.enabledTrainedByTrainStage(),
        "NeuMF after GMF: it can be pre-trained from it");
    assertTrue(models.isEnabled("most-pop") && !models.isEnabled("als") && !models.isEnabled("no-such-model"));

    ConfigException unknown = assertThrows(ConfigException.class,
        () -> ExperimentConfigLoader.load(Optional.empty(), List.of("models.enabled=[neumf, bpr]")));
    assertTrue(unknown.getMessage().contains("'bpr'") && unknown.getMessage().contains("most-pop")
        && unknown.getMessage().contains("frequency-random-rating"), unknown.getMessage());
    ConfigException twice = assertThrows(ConfigException.class,
        () -> ExperimentConfigLoader.load(Optional.empty(), List.of("models.enabled=[als, most-pop, als]")));
    assertTrue(twice.getMessage().contains("'als' is listed twice"), twice.getMessage());
  }
}
