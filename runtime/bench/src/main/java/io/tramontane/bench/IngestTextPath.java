package io.tramontane.bench;

import io.tramontane.retrieval.chunk.Block;
import io.tramontane.retrieval.chunk.Chunker;
import io.tramontane.retrieval.chunk.Piece;
import io.tramontane.retrieval.index.Chunk;
import io.tramontane.retrieval.index.CollectionIndex;
import io.tramontane.retrieval.parse.DocumentParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;

/**
 * The text path of {@code bench ingest} (parse, chunk, index without embedding) and plain Lucene.
 */
final class IngestTextPath {

  private IngestTextPath() {}

  /** Plain Lucene: one TextField (stored) and an id per document, one commit, one thread. */
  static void plainLucene(Path dir, List<RetrievalCorpus.Document> docs) throws IOException {
    try (FSDirectory directory = FSDirectory.open(dir);
        IndexWriter writer =
            new IndexWriter(directory, new IndexWriterConfig(new StandardAnalyzer()))) {
      for (RetrievalCorpus.Document d : docs) {
        Document doc = new Document();
        doc.add(new StringField("id", d.id(), Field.Store.YES));
        doc.add(new TextField("text", d.text(), Field.Store.YES));
        writer.addDocument(doc);
      }
      writer.commit();
    }
  }

  /**
   * Our text path on one thread: parse, chunk with the model's tokenizer, and replace the
   * document's chunks in a {@link CollectionIndex} with a constant unit vector in place of an
   * embedding; one commit at the end. Fills {@code pieces} with each document's chunks and returns
   * the seconds spent parsing, chunking and indexing.
   */
  static double[] textPath(
      Path dir,
      List<RetrievalCorpus.Document> docs,
      DocumentParser parser,
      Chunker chunker,
      int dimension,
      List<List<Piece>> pieces) {
    float[] constant = new float[dimension];
    constant[0] = 1;
    long parse = 0;
    long chunk = 0;
    long index = 0;
    try (CollectionIndex target = CollectionIndex.open("bench-text", dir)) {
      for (RetrievalCorpus.Document d : docs) {
        long t0 = System.nanoTime();
        List<Block> blocks = BenchRetrieval.blocks(parser, d);
        long t1 = System.nanoTime();
        List<Piece> ps = chunker.chunk(blocks);
        long t2 = System.nanoTime();
        target.replace(BenchRetrieval.TENANT, chunks(d, ps, i -> constant));
        long t3 = System.nanoTime();
        parse += t1 - t0;
        chunk += t2 - t1;
        index += t3 - t2;
        pieces.add(ps);
      }
      long t0 = System.nanoTime();
      target.commit(Map.of());
      index += System.nanoTime() - t0;
    }
    return new double[] {parse / 1e9, chunk / 1e9, index / 1e9};
  }

  /**
   * Indexes already-cut chunks with seeded random unit vectors: what the vector graph costs without
   * an embedding model (random vectors are a hard case for HNSW). Returns seconds.
   */
  static double indexRandom(
      Path dir, List<RetrievalCorpus.Document> docs, List<List<Piece>> pieces, int dimension) {
    Random random = new Random(IngestBench.SEED);
    long t0 = System.nanoTime();
    try (CollectionIndex target = CollectionIndex.open("bench-random", dir)) {
      for (int i = 0; i < docs.size(); i++) {
        target.replace(
            BenchRetrieval.TENANT,
            chunks(docs.get(i), pieces.get(i), o -> unit(random, dimension)));
      }
      target.commit(Map.of());
    }
    return EmbedBench.seconds(t0);
  }

  static float[] unit(Random random, int dimension) {
    float[] v = new float[dimension];
    double norm = 0;
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
      norm += (double) v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimension; i++) {
      v[i] *= scale;
    }
    return v;
  }

  static List<Chunk> chunks(
      RetrievalCorpus.Document d, List<Piece> ps, IntFunction<float[]> vector) {
    List<Chunk> out = new ArrayList<>(ps.size());
    for (Piece p : ps) {
      out.add(
          new Chunk(
              d.id(),
              p.ordinal(),
              "",
              d.id(),
              p.section(),
              p.page(),
              p.text(),
              vector.apply(p.ordinal()),
              Set.of(),
              true,
              "",
              null));
    }
    return out;
  }
}
