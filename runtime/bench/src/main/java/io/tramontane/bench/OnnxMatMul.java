package io.tramontane.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A one-node ONNX model, {@code C = MatMul(A, B)} with A {@code [m, k]} and B {@code [k, n]} float,
 * hand-encoded as an ONNX {@code ModelProto} (protobuf wire format) so the ceiling measurement
 * needs no protobuf or ONNX library. Field numbers are those of onnx.proto3.
 */
final class OnnxMatMul {

  private static final int ELEM_FLOAT = 1;
  private static final int IR_VERSION = 8;
  private static final int OPSET = 13;

  private OnnxMatMul() {}

  /** The serialized model. */
  static byte[] model(int m, int k, int n) {
    Proto node =
        new Proto()
            .string(1, "A")
            .string(1, "B")
            .string(2, "C")
            .string(3, "matmul")
            .string(4, "MatMul");
    Proto graph =
        new Proto()
            .message(1, node)
            .string(2, "matmul-ceiling")
            .message(11, valueInfo("A", m, k))
            .message(11, valueInfo("B", k, n))
            .message(12, valueInfo("C", m, n));
    Proto opset = new Proto().string(1, "").varint(2, OPSET);
    return new Proto()
        .varint(1, IR_VERSION)
        .string(2, "tramontane-bench")
        .message(7, graph)
        .message(8, opset)
        .bytes();
  }

  /** ValueInfoProto {name, type: TypeProto {tensor_type {elem_type, shape {dim {dim_value}}}}}. */
  private static Proto valueInfo(String name, long... dims) {
    Proto shape = new Proto();
    for (long d : dims) {
      shape.message(1, new Proto().varint(1, d));
    }
    Proto tensor = new Proto().varint(1, ELEM_FLOAT).message(2, shape);
    Proto type = new Proto().message(1, tensor);
    return new Proto().string(1, name).message(2, type);
  }

  /** A protobuf message being written: varint (wire type 0) and length-delimited (2) fields. */
  static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      writeVarint(out, ((long) field << 3));
      writeVarint(out, value);
      return this;
    }

    Proto string(int field, String value) {
      return lengthDelimited(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto message) {
      return lengthDelimited(field, message.bytes());
    }

    Proto lengthDelimited(int field, byte[] value) {
      writeVarint(out, ((long) field << 3) | 2);
      writeVarint(out, value.length);
      out.writeBytes(value);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    static void writeVarint(ByteArrayOutputStream out, long value) {
      long v = value;
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
  }
}
