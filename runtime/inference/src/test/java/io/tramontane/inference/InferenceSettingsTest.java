package io.tramontane.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration is refused with the full key and a fix, before anything runs. */
class InferenceSettingsTest {

  private static String message(String overrides) {
    return assertThrows(ConfigurationException.class, () -> Models.start(overrides).close())
        .getMessage();
  }

  @Test
  void defaultsDescribeTheShippedModels() {
    InferenceSettings s = InferenceSettings.fromConfig(Models.config(""));
    assertEquals("minilm", s.defaultEmbeddingModel());
    assertEquals(new Device.Auto(), s.device());
    assertEquals(32, s.batcher().maxBatch());
    ModelSpec minilm = s.models().get("minilm");
    assertEquals(256, minilm.maxSequenceLength());
    assertEquals(Pooling.MEAN, minilm.pooling());
    assertTrue(minilm.loadAtStart());
    assertEquals(false, s.models().get("minilm-int8").loadAtStart());
  }

  @Test
  void deviceStrings() {
    assertEquals(new Device.Cuda(0), Device.parse("k", "cuda"));
    assertEquals(new Device.Cuda(2), Device.parse("k", "CUDA:2"));
    assertEquals(new Device.Cpu(), Device.parse("k", " cpu "));
    String m =
        assertThrows(ConfigurationException.class, () -> Device.parse("the.key", "tpu"))
            .getMessage();
    assertTrue(m.contains("the.key") && m.contains("auto, cpu, cuda or cuda:N"), m);
    assertThrows(ConfigurationException.class, () -> Device.parse("k", "cuda:-1"));
  }

  @Test
  void aTypoInAModelKeyIsNamed() {
    String m = message("tramontane.inference.models.minilm.poolng = cls");
    assertTrue(m.contains("tramontane.inference.models.minilm") && m.contains("poolng"), m);
  }

  @Test
  void badEnumValuesListTheChoices() {
    String m = message("tramontane.inference.models.minilm.pooling = max");
    assertTrue(m.contains("tramontane.inference.models.minilm.pooling") && m.contains("cls"), m);
    m = message("tramontane.inference.models.minilm.task = summarise");
    assertTrue(m.contains(".task") && m.contains("rerank"), m);
  }

  @Test
  void aMissingModelFileNamesTheKeyAndThePath(@TempDir Path dir) {
    Path missing = dir.resolve("nope.onnx");
    String m = message("tramontane.inference.models.minilm.model = \"" + missing + "\"");
    assertTrue(m.contains("tramontane.inference.models.minilm.model"), m);
    assertTrue(m.contains(missing.toString()), m);
  }

  @Test
  void aMissingClasspathResourceIsNamed() {
    String m = message("tramontane.inference.models.minilm.tokenizer = \"classpath:/nope.json\"");
    assertTrue(m.contains("tramontane.inference.models.minilm.tokenizer"), m);
    assertTrue(m.contains("classpath:/nope.json"), m);
  }

  @Test
  void aFileThatIsNotOnnxIsRefusedAtStart(@TempDir Path dir) throws Exception {
    Path garbage = Files.write(dir.resolve("model.onnx"), "not a model at all".getBytes());
    String m = message("tramontane.inference.models.minilm.model = \"" + garbage + "\"");
    assertTrue(m.contains("tramontane.inference.models.minilm.model"), m);
    assertTrue(m.contains("could not be loaded"), m);
  }

  @Test
  void aWrongOutputNameListsTheRealOutputs() {
    String m = message("tramontane.inference.models.minilm.output-name = pooled");
    assertTrue(m.contains("output-name") && m.contains("last_hidden_state"), m);
  }

  @Test
  void theDefaultModelMustExist() {
    String m = message("tramontane.inference.default-embedding-model = bert");
    assertTrue(m.contains("default-embedding-model") && m.contains("minilm"), m);
  }

  @Test
  void limitsMustBePositive() {
    String m = message("tramontane.inference.batcher.max-batch = 0");
    assertTrue(m.contains("tramontane.inference.batcher.max-batch"), m);
  }

  @Test
  void cudaOnTheCpuBuildFailsAtStartWithOneSentence() {
    for (String device : new String[] {"cuda", "cuda:1"}) {
      String m = message("tramontane.inference.device = \"" + device + "\"");
      assertTrue(m.contains("CUDA") && m.contains("-Pgpu") && m.contains("cpu"), m);
      assertEquals(1, m.lines().count(), m);
    }
  }

  @Test
  void autoRunsOnTheCpuAndSaysWhy() {
    try (InferenceRuntime rt = Models.start("")) {
      assertEquals("cpu", rt.model("minilm").device());
      assertTrue(rt.deviceNote().startsWith("cpu (device=auto: "), rt.deviceNote());
      assertTrue(rt.deviceNote().contains("CUDA"), rt.deviceNote());
    }
  }

  @Test
  void lazyModelsLoadOnFirstUse() {
    try (InferenceRuntime rt = Models.start("")) {
      assertEquals(1, rt.metrics().size(), "only minilm loads at start");
      rt.embed("minilm-int8", "hello", Priority.INTERACTIVE).toCompletableFuture().join();
      assertEquals(2, rt.metrics().size());
    }
  }
}
