package io.tramontane.retrieval.parse;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses documents into {@link io.tramontane.retrieval.chunk.Block}s in forked worker JVMs, so that
 * a parser that runs out of memory, hangs or ignores interrupts cannot hurt this JVM (RELIABILITY
 * F7): the document fails with a reason and the next one parses in a fresh worker.
 *
 * <p>Why our own forked worker and not Tika's pipes ({@code tika-pipes} / {@code PipesServer}): we
 * choose each worker's heap ({@code -Xmx}, with {@code -XX:+ExitOnOutOfMemoryError}), we kill a
 * worker the moment a document exceeds its timeout (even a parser that ignores interrupts), we need
 * no Tika XML configuration files or fetcher/emitter set-up, and the worker answers with our own
 * {@code Block}s (heading path, page) instead of Tika's metadata lists that we would parse again.
 *
 * <p>A pool of {@code workers} workers, started lazily with the same {@code java} binary and class
 * path as this JVM and reused; a caller blocks until one is free. Thread-safe.
 */
public final class DocumentParser implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DocumentParser.class);
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final int OOM_EXIT = 3;
  private static final AtomicInteger IDS = new AtomicInteger();

  private final ParserSettings settings;
  private final BlockingQueue<Slot> idle;
  private final List<Slot> slots = new ArrayList<>();
  private final Set<Worker> live = ConcurrentHashMap.newKeySet();
  private final ExecutorService io;
  private volatile boolean closed;

  private DocumentParser(ParserSettings settings) {
    this.settings = settings;
    this.idle = new ArrayBlockingQueue<>(settings.workers());
    this.io =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("tramontane-parser-io-", 0).factory());
    for (int i = 0; i < settings.workers(); i++) {
      Slot slot = new Slot();
      slots.add(slot);
      idle.add(slot);
    }
  }

  /** A parser with these settings; workers start on first use. */
  public static DocumentParser start(ParserSettings settings) {
    return new DocumentParser(settings);
  }

  /**
   * Parses one document in a worker JVM. Blocking, thread-safe; never throws for bad documents.
   *
   * @param content the document's bytes
   * @param fileName its name (helps detection), or null
   * @param contentTypeHint its declared media type, or null
   * @return the blocks and metadata, or {@link ParseResult.Failed} with a reason a user understands
   * @throws IllegalStateException after {@link #close()}
   */
  public ParseResult parse(byte[] content, String fileName, String contentTypeHint) {
    if (content.length > settings.maxInputBytes()) {
      return new ParseResult.Failed(TikaExtractor.tooLargeReason(settings));
    }
    if (closed) {
      throw new IllegalStateException("the document parser is closed");
    }
    Slot slot;
    try {
      slot = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ParseResult.Failed("parsing was interrupted");
    }
    try {
      return slot.parse(content, fileName, contentTypeHint);
    } finally {
      idle.add(slot);
    }
  }

  /** Stops the workers. Documents being parsed fail; later calls to {@link #parse} throw. */
  @Override
  public void close() {
    closed = true;
    for (Worker w : List.copyOf(live)) {
      w.kill();
    }
    io.shutdownNow();
  }

  /** One place in the pool: holds a worker process while it is healthy. */
  private final class Slot {
    private Worker worker;

    ParseResult parse(byte[] content, String fileName, String hint) {
      Worker w;
      try {
        w = current();
      } catch (IOException | RuntimeException e) {
        stop();
        return new ParseResult.Failed(
            "the parser could not be started (" + Failures.oneLine(e.getMessage()) + ")");
      }
      CompletableFuture<byte[]> exchange =
          CompletableFuture.supplyAsync(() -> w.exchange(content, fileName, hint), io);
      try {
        byte[] answer = exchange.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        return Wire.JSON.readValue(answer, Wire.Result.class).toResult();
      } catch (TimeoutException e) {
        log.warn(
            "parsing {} took longer than {}; killing its worker",
            name(fileName),
            settings.timeout());
        stop();
        return new ParseResult.Failed(
            "parsing stopped after "
                + seconds(settings.timeout())
                + " (the document is too complex or the parser hung); raise "
                + ParserSettings.key("timeout")
                + " if it should finish");
      } catch (ExecutionException e) {
        String reason = w.deathReason();
        log.warn("the parser worker failed on {}: {}", name(fileName), reason);
        stop();
        return new ParseResult.Failed(reason);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        return new ParseResult.Failed("parsing was interrupted");
      } catch (IOException e) {
        stop();
        return new ParseResult.Failed(
            "the parser answered something unreadable (" + Failures.oneLine(e.getMessage()) + ")");
      }
    }

    private Worker current() throws IOException {
      if (worker == null || !worker.process.isAlive()) {
        stop();
        worker = new Worker();
      }
      return worker;
    }

    void stop() {
      if (worker != null) {
        worker.kill();
        worker = null;
      }
    }
  }

  /** One forked JVM running {@link ParserWorker}. */
  private final class Worker {
    final int id = IDS.incrementAndGet();
    final Process process;
    final DataOutputStream toWorker;
    final DataInputStream fromWorker;
    final Deque<String> stderrTail = new ArrayDeque<>();

    Worker() throws IOException {
      List<String> command = new ArrayList<>();
      command.add(javaBinary());
      command.add("-Xmx" + settings.workerHeap());
      command.add("-XX:+ExitOnOutOfMemoryError");
      command.add("-Djava.awt.headless=true");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(ParserWorker.class.getName());
      command.add(Long.toString(settings.maxInputBytes()));
      command.add(Integer.toString(settings.writeLimitChars()));
      command.add(Integer.toString(settings.maxEmbeddedDepth()));
      command.add(Integer.toString(settings.maxEmbeddedResources()));
      process = new ProcessBuilder(command).start();
      live.add(this);
      if (closed) {
        kill();
        throw new IOException("the document parser is closed");
      }
      toWorker = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
      fromWorker = new DataInputStream(new BufferedInputStream(process.getInputStream()));
      io.execute(this::forwardStderr);
      log.debug("started parser worker {} (pid {})", id, process.pid());
      CompletableFuture<byte[]> ready = CompletableFuture.supplyAsync(this::readFrame, io);
      try {
        ready.get(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
        throw new IOException("interrupted while starting", e);
      } catch (ExecutionException | TimeoutException e) {
        kill();
        throw new IOException("the worker did not start: " + deathReason(), e);
      }
    }

    byte[] exchange(byte[] content, String fileName, String hint) {
      try {
        Wire.writeJson(toWorker, new Wire.Request(fileName, hint));
        Wire.write(toWorker, content);
        toWorker.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return readFrame();
    }

    private byte[] readFrame() {
      try {
        byte[] frame = Wire.read(fromWorker, maxAnswerBytes());
        if (frame == null) {
          throw new IOException("the worker exited");
        }
        return frame;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Why the worker stopped answering, once it has exited. */
    String deathReason() {
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String tail;
      synchronized (stderrTail) {
        tail = String.join("\n", stderrTail);
      }
      Integer exit = process.isAlive() ? null : process.exitValue();
      if ((exit != null && exit == OOM_EXIT) || tail.contains("OutOfMemoryError")) {
        return "the parser ran out of memory on this document (worker heap "
            + settings.workerHeap()
            + "; raise "
            + ParserSettings.key("worker-heap")
            + ")";
      }
      return "the parser crashed on this document ("
          + (exit == null ? "it stopped answering" : "exit code " + exit)
          + ")";
    }

    private void forwardStderr() {
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          log.debug("[parser-worker-{}] {}", id, line);
          synchronized (stderrTail) {
            stderrTail.addLast(line);
            if (stderrTail.size() > 50) {
              stderrTail.removeFirst();
            }
          }
        }
      } catch (IOException e) {
        // the worker is gone
      }
    }

    void kill() {
      live.remove(this);
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      log.debug("stopped parser worker {}", id);
    }
  }

  /** JSON escapes take at most 6 bytes per character; the rest is metadata and headings. */
  private long maxAnswerBytes() {
    return Math.min(Integer.MAX_VALUE - 16L, (16L << 20) + 12L * settings.writeLimitChars());
  }

  private static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .filter(c -> Path.of(c).getFileName().toString().startsWith("java"))
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String name(String fileName) {
    return fileName == null ? "a document" : fileName;
  }
}
