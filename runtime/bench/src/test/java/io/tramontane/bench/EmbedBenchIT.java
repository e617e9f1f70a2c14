package io.tramontane.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.inference.ExecutionProvider;
import io.tramontane.inference.InferenceSettings;
import io.tramontane.server.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tramontane bench embed} at a tiny size: every row and figure is there and positive. No
 * timing is asserted (benchmarks are commands, not tests).
 */
class EmbedBenchIT {

  @Test
  void tinyRunPrintsEveryRowAndWritesPositiveFigures(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("embed.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "bench",
            "embed",
            "--quick",
            "--sentences",
            "32",
            "--documents",
            "24",
            "--out",
            json.toString());
    String table = out.toString();
    assertEquals(0, exit, err + table);

    for (String title : List.of("minilm (fp32", "minilm-int8 (int8")) {
      assertTrue(table.contains("P1 embed — " + title), table);
    }
    for (int length : EmbedBench.LENGTHS) {
      for (String path :
          List.of(
              "raw ORT, batch 32 (baseline)",
              "LangChain4j embedAll",
              "ours, 64 callers × 1 text",
              "ours, embedAll (bulk lane)")) {
        assertTrue(table.contains(length + " · " + path), length + " · " + path + "\n" + table);
      }
    }
    assertTrue(table.contains("LangChain4j truncates to 128 tokens"), table);
    assertTrue(table.contains("MatMul ceiling"), table);
    assertTrue(table.contains("MRR@10"), table);

    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertEquals("P1", report.path("id").asText());
    assertTrue(report.path("ceiling").path("gflops").asDouble() > 0, report.toString());
    assertTrue(report.path("machine").path("nproc").asInt() > 0);
    JsonNode models = report.path("models");
    assertEquals(2, models.size());
    for (JsonNode model : models) {
      JsonNode lengths = model.path("lengths");
      assertEquals(EmbedBench.LENGTHS.length, lengths.size());
      for (JsonNode length : lengths) {
        assertTrue(
            length.path("meanTokens").asDouble() > 0.8 * length.path("targetTokens").asInt());
        assertTrue(length.path("meanTokens").asDouble() <= length.path("targetTokens").asInt());
        assertEquals(4, length.path("paths").size(), length.toString());
        for (JsonNode p : length.path("paths")) {
          assertTrue(p.path("perSecond").asDouble() > 0, p.toString());
          assertTrue(p.path("utilisation").asDouble() > 0, p.toString());
          assertTrue(p.path("meanBatch").asDouble() >= 1, p.toString());
          assertTrue(p.path("paddingEfficiency").asDouble() > 0, p.toString());
          assertTrue(p.path("overEmbedAll").asDouble() > 0, p.toString());
        }
      }
      JsonNode drift = model.path("drift");
      assertTrue(drift.path("rawMin").asDouble() > 0.9, drift.toString());
      assertTrue(drift.path("runtimeMin").asDouble() > 0.9, drift.toString());
      JsonNode retrieval = model.path("retrieval");
      assertEquals(model.path("variant").asText().equals("int8") ? 2 : 1, retrieval.size());
      for (JsonNode r : retrieval) {
        assertEquals(24, r.path("documents").asInt());
        assertTrue(r.path("mrrAt10").asDouble() > 0, r.toString());
      }
    }
    // fp32 vectors do not depend on their batch-mates; the same text gives the same vector.
    JsonNode fp32 = models.get(0);
    assertEquals("fp32", fp32.path("variant").asText());
    assertTrue(fp32.path("drift").path("rawMin").asDouble() > 0.9999, fp32.toString());
    assertTrue(fp32.path("drift").path("runtimeMin").asDouble() > 0.9999, fp32.toString());
  }

  @Test
  void handEncodedMatMulModelRunsInOnnxRuntime() throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    InferenceSettings.Session session = new InferenceSettings.Session(1, 1, false, "all");
    try (OrtSession.SessionOptions options = ExecutionProvider.cpu(session);
        OrtSession s = env.createSession(OnnxMatMul.model(2, 3, 2), options);
        OnnxTensor a =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(new float[] {1, 2, 3, 4, 5, 6}), dims(2, 3));
        OnnxTensor b =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(new float[] {1, 0, 0, 1, 1, 1}), dims(3, 2));
        OrtSession.Result result = s.run(Map.of("A", a, "B", b))) {
      float[][] c = (float[][]) result.get(0).getValue();
      assertArrayEquals(new float[] {4, 5}, c[0]);
      assertArrayEquals(new float[] {10, 11}, c[1]);
    }
  }

  @Test
  void varintsAreLittleEndianBase128() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OnnxMatMul.Proto.writeVarint(out, 1);
    OnnxMatMul.Proto.writeVarint(out, 300);
    OnnxMatMul.Proto.writeVarint(out, 1536);
    assertArrayEquals(new byte[] {0x01, (byte) 0xAC, 0x02, (byte) 0x80, 0x0C}, out.toByteArray());
  }

  @Test
  void flopsPerSentenceMatchTheDesignFigure() {
    // ≈ 2.9 GFLOP for a 128-token sentence (design/BENCHMARKS.md, P1).
    assertEquals(2.869, EmbedBench.flops(128) / 1e9, 0.001);
  }

  private static long[] dims(long... d) {
    return d;
  }
}
