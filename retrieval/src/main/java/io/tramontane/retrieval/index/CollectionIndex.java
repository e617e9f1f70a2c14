package io.tramontane.retrieval.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * One collection's Lucene index: BM25 over chunk text and title, HNSW vectors for kNN, and the
 * tenant and ACL filter inside every query (the kNN filter too: Lucene applies it while walking the
 * graph, so nobody's top-k is computed over documents they may not see). Writes are serialised by
 * this object's monitor (one writer per collection); searches use near-real-time searchers.
 */
public final class CollectionIndex implements AutoCloseable {

  static final String TENANT = "tenant";
  static final String DOC_KEY = "doc_key";
  static final String DOC_ID = "doc_id";
  static final String ORDINAL = "ordinal";
  static final String SOURCE = "source_uri";
  static final String TITLE = "title";
  static final String SECTION = "section";
  static final String PAGE = "page";
  static final String TEXT = "text";
  static final String VECTOR = "vector";
  static final String ACL = "acl";
  static final String HASH = "content_hash";
  static final String MODIFIED = "modified";
  static final String KIND = "kind";
  static final String REASON = "reason";
  static final String LOG_PID = "log_pid";
  static final String LOG_OFFSET = "log_offset";

  /** Kinds of Lucene documents: a searchable chunk, or the record of a document that failed. */
  static final String KIND_CHUNK = "chunk";

  static final String KIND_FAILED = "failed";

  /** The ACL term every tenant member matches; principals are prefixed so none can equal it. */
  static final String PUBLIC = "public";

  private final String collection;
  private final Directory directory;

  /**
   * Standard tokenisation, lower-casing and English stop words (so "of" neither scores nor marks).
   */
  private final Analyzer analyzer = new StandardAnalyzer(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);

  private final IndexWriter writer;
  private final SearcherManager searchers;

  private CollectionIndex(String collection, Directory directory, boolean writable)
      throws IOException {
    this.collection = collection;
    this.directory = directory;
    if (writable) {
      IndexWriterConfig config = new IndexWriterConfig(analyzer);
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      IndexWriter w = new IndexWriter(directory, config);
      try {
        this.searchers = new SearcherManager(w, null);
      } catch (IOException | RuntimeException e) {
        w.rollback();
        throw e;
      }
      this.writer = w;
    } else {
      this.writer = null;
      this.searchers = new SearcherManager(directory, null);
    }
  }

  /**
   * Opens (or creates) the index of {@code collection} under {@code dir} for writing. Only one
   * process may hold it; a second gets a {@link org.apache.lucene.store.LockObtainFailedException}.
   */
  public static CollectionIndex open(String collection, Path dir) {
    try {
      return openWritable(collection, dir);
    } catch (CorruptIndexException
        | IndexFormatTooOldException
        | IndexFormatTooNewException
        | java.nio.file.NoSuchFileException
        | java.io.FileNotFoundException
        | java.io.EOFException e) {
      try {
        DamagedIndex.setAside(collection, dir, e);
        return openWritable(collection, dir);
      } catch (IOException again) {
        throw new UncheckedIOException(
            "cannot open the index of collection "
                + collection
                + " ("
                + e.getMessage()
                + ") nor set it aside; stop the node, remove "
                + dir
                + " and start it again: the index is rebuilt from the document log",
            again);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the index of collection " + collection, e);
    }
  }

  private static CollectionIndex openWritable(String collection, Path dir) throws IOException {
    Directory directory = FSDirectory.open(dir);
    try {
      return new CollectionIndex(collection, directory, true);
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /**
   * Opens the last commit of an existing index for searching only (no write lock: works while a
   * server holds the index). Sees what was committed when it was opened.
   */
  public static CollectionIndex openReadOnly(String collection, Path dir) {
    try {
      Directory directory = FSDirectory.open(dir);
      if (!DirectoryReader.indexExists(directory)) {
        directory.close();
        throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no index");
      }
      return new CollectionIndex(collection, directory, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the index of collection " + collection, e);
    }
  }

  private IndexWriter writer() {
    if (writer == null) {
      throw new IllegalStateException("collection " + collection + " is open read-only");
    }
    return writer;
  }

  public String collection() {
    return collection;
  }

  /**
   * Replaces every chunk of a document at once (readers see the old chunks or the new ones, never a
   * mix) and makes the change visible to searches.
   */
  public synchronized void upsert(String tenant, List<Chunk> chunks) {
    replace(tenant, chunks);
    refresh();
  }

  /** Removes a document's chunks and makes the change visible to searches. */
  public synchronized void delete(String tenant, String documentId) {
    remove(tenant, documentId);
    refresh();
  }

  /**
   * Replaces every chunk of a document (atomically, see {@link #upsert}) without refreshing the
   * searchers: batch writers call {@link #refresh()} once per batch.
   */
  public synchronized void replace(String tenant, List<Chunk> chunks) {
    replace(tenant, chunks, null);
  }

  /**
   * Like {@link #replace(String, List)}, recording on every chunk the log event the version comes
   * from ({@code at}, may be null), so {@link #logOffsets} can answer for the document.
   */
  public synchronized void replace(String tenant, List<Chunk> chunks, LogPosition at) {
    if (chunks.isEmpty()) {
      throw new IllegalArgumentException("upsert needs at least one chunk; use delete");
    }
    String documentId = chunks.getFirst().documentId();
    List<Document> docs = new ArrayList<>(chunks.size());
    for (Chunk c : chunks) {
      if (!c.documentId().equals(documentId)) {
        throw new IllegalArgumentException("all chunks of one upsert belong to one document");
      }
      docs.add(ChunkDocuments.chunk(tenant, c, at));
    }
    try {
      writer().updateDocuments(new Term(DOC_KEY, ChunkDocuments.docKey(tenant, documentId)), docs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot index document " + documentId, e);
    }
  }

  /** Removes a document (its chunks or its failure record) without refreshing the searchers. */
  public synchronized void remove(String tenant, String documentId) {
    try {
      writer().deleteDocuments(new Term(DOC_KEY, ChunkDocuments.docKey(tenant, documentId)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete document " + documentId, e);
    }
  }

  /**
   * Records that a document could not be indexed, replacing whatever it had: the failure is listed
   * in {@link #failures} and never matches a search.
   */
  public synchronized void recordFailure(
      String tenant, String documentId, String contentHash, String reason) {
    recordFailure(tenant, documentId, contentHash, reason, null);
  }

  /** Like {@link #recordFailure(String, String, String, String)}, recording the log event. */
  public synchronized void recordFailure(
      String tenant, String documentId, String contentHash, String reason, LogPosition at) {
    Document d = ChunkDocuments.failure(tenant, documentId, contentHash, reason, at);
    try {
      writer().updateDocument(new Term(DOC_KEY, ChunkDocuments.docKey(tenant, documentId)), d);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the failure of " + documentId, e);
    }
  }

  /**
   * For each persistence id, the log offset of the event the index holds for that document (as the
   * last refresh sees it), or -1 when the index holds nothing recorded under it (never indexed,
   * deleted, or indexed before positions were recorded). One searcher for the whole list.
   */
  public long[] logOffsets(List<String> persistenceIds) {
    return withSearcher(s -> LoggedPositions.offsets(s, persistenceIds));
  }

  /**
   * Every document the index holds with a recorded log position, as persistence id → offset (as the
   * last refresh sees it). Documents indexed before positions were recorded are not listed.
   */
  public Map<String, Long> loggedDocuments() {
    return withSearcher(LoggedPositions::all);
  }

  /**
   * Removes whatever the index holds under a log persistence id (a document the log does not have),
   * without refreshing the searchers.
   */
  public synchronized void removeLogged(String persistenceId) {
    try {
      writer().deleteDocuments(new Term(LOG_PID, persistenceId));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the documents of " + persistenceId, e);
    }
  }

  /** Makes the writes so far visible to searches (near-real-time, no commit). */
  public void refresh() {
    try {
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot refresh collection " + collection, e);
    }
  }

  /** A document that could not be indexed, and why. */
  public record Failure(String documentId, String reason) {}

  /** Documents of {@code tenant} that failed to index, at most {@code limit}. */
  public List<Failure> failures(String tenant, int limit) {
    return withSearcher(s -> TenantReads.failures(s, tenant, limit));
  }

  /** Documents of {@code tenant} that failed to index. */
  public int failureCount(String tenant) {
    return withSearcher(s -> TenantReads.failureCount(s, tenant));
  }

  /** Whether {@code tenant} has anything here: a document or a recorded failure. */
  public boolean holdsAnythingOf(String tenant) {
    return documentCount(tenant) > 0 || failureCount(tenant) > 0;
  }

  /** Indexed documents of {@code tenant} (each counted once, by its first chunk). */
  public int documentCount(String tenant) {
    return withSearcher(s -> TenantReads.documentCount(s, tenant));
  }

  /** The content hash the document was indexed with, if it is indexed (skip-unchanged). */
  public Optional<String> contentHash(String tenant, String documentId) {
    return withSearcher(s -> TenantReads.contentHash(s, tenant, documentId));
  }

  /**
   * Makes everything indexed so far durable, together with {@code userData} (e.g. the ingesting
   * source's checkpoint), in one Lucene commit: after a crash, index and checkpoint agree.
   */
  public synchronized void commit(Map<String, String> userData) {
    try {
      writer().setLiveCommitData(new LinkedHashMap<>(userData).entrySet());
      writer().commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit collection " + collection, e);
    }
  }

  /** The user data of the last commit (empty for a new index). */
  public Map<String, String> committedUserData() {
    try {
      if (!DirectoryReader.indexExists(directory)) {
        return Map.of();
      }
      try (DirectoryReader r = DirectoryReader.open(directory)) {
        return Map.copyOf(r.getIndexCommit().getUserData());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the last commit of " + collection, e);
    }
  }

  /**
   * The ids of {@code tenant}'s documents in this collection that start with {@code prefix} ("" for
   * all): every document with chunks and every document recorded as failed, as the last refresh
   * sees them, sorted. Other tenants' documents are never listed. Reads the document-key terms, not
   * the chunks, so the cost grows with the number of documents, not of chunks.
   */
  public SortedSet<String> documentIds(String tenant, String prefix) {
    if (tenant == null || tenant.isEmpty() || tenant.indexOf('\u0000') >= 0) {
      throw new IllegalArgumentException("a tenant is required to list document ids");
    }
    String from = ChunkDocuments.docKey(tenant, prefix == null ? "" : prefix);
    int idStart = tenant.length() + 1;
    BytesRef start = new BytesRef(from);
    return withSearcher(s -> TenantReads.documentIds(s, start, idStart));
  }

  /** Chunks of {@code tenant}, whoever may see them (for statistics). */
  public int chunkCount(String tenant) {
    return withSearcher(s -> TenantReads.chunkCount(s, tenant));
  }

  /**
   * Searches as {@code caller}. {@code text} drives BM25, {@code vector} drives kNN; hybrid needs
   * both. Only chunks of the caller's tenant that are public to it or list one of the caller's
   * principals can match, in every mode.
   */
  public List<Hit> search(Caller caller, SearchMode mode, String text, float[] vector, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1");
    }
    return withSearcher(s -> new IndexSearch(s, analyzer).run(caller, mode, text, vector, k));
  }

  private interface SearchStep<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }

  private <T> T withSearcher(SearchStep<T> step) {
    try {
      IndexSearcher s = searchers.acquire();
      try {
        return step.apply(s);
      } finally {
        searchers.release(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("search failed on collection " + collection, e);
    }
  }

  /**
   * Commits nothing new; closes the writer (uncommitted changes since the last commit are kept).
   */
  @Override
  public synchronized void close() {
    try {
      searchers.close();
      if (writer != null) {
        writer.close();
      }
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close collection " + collection, e);
    }
  }
}
