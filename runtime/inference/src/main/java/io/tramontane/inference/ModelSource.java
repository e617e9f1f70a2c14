package io.tramontane.inference;

import io.tramontane.core.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a model or tokenizer file comes from: {@code classpath:/name} or a file path. */
public sealed interface ModelSource {

  /** A resource inside a jar on the classpath (the shipped models). */
  record Classpath(String resource) implements ModelSource {
    @Override
    public String toString() {
      return "classpath:" + resource;
    }
  }

  /** A file on disk. Relative paths resolve against the working directory. */
  record File(Path path) implements ModelSource {
    @Override
    public String toString() {
      return path.toString();
    }
  }

  /** Parses a configured location; {@code key} names the setting for errors. */
  static ModelSource parse(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigurationException(
          key + " is empty. Set it to classpath:/<resource> or the path of a file.");
    }
    String v = value.trim();
    if (v.startsWith("classpath:")) {
      String resource = v.substring("classpath:".length());
      return new Classpath(resource.startsWith("/") ? resource : "/" + resource);
    }
    return new File(Path.of(v));
  }

  /** Reads the whole file; {@code key} names the setting that points here. */
  default byte[] readAll(String key) {
    try (InputStream in = open(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ConfigurationException(key + ": cannot read " + this + ": " + e.getMessage(), e);
    }
  }

  /** Opens the file, or fails with a message naming {@code key} and the location. */
  default InputStream open(String key) {
    switch (this) {
      case Classpath c -> {
        InputStream in = ModelSource.class.getResourceAsStream(c.resource());
        if (in == null) {
          throw new ConfigurationException(
              key
                  + " = "
                  + this
                  + ": no such resource on the classpath. Check the spelling, or add the jar that"
                  + " carries it.");
        }
        return in;
      }
      case File f -> {
        if (!Files.isRegularFile(f.path())) {
          throw new ConfigurationException(
              key
                  + " = "
                  + f.path()
                  + ": no such file (resolved to "
                  + f.path().toAbsolutePath()
                  + ").");
        }
        try {
          return Files.newInputStream(f.path());
        } catch (IOException e) {
          throw new ConfigurationException(
              key + " = " + f.path() + ": cannot open: " + e.getMessage(), e);
        }
      }
    }
  }
}
