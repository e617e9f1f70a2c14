package io.tramontane.retrieval.index;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * What the index stores for a document: each chunk as a Lucene document (tenant, document key,
 * text, vector, ACL terms, content hash, modification time), or one failure record; both with the
 * log position of the version they come from.
 */
final class ChunkDocuments {

  private ChunkDocuments() {}

  /** The key of a tenant's document: all its chunks, or its failure record. */
  static String docKey(String tenant, String documentId) {
    return tenant + '\u0000' + documentId;
  }

  /** A principal as an ACL term: prefixed, so none can equal {@link CollectionIndex#PUBLIC}. */
  static String principal(String p) {
    return "p:" + p;
  }

  /**
   * A chunk as a Lucene document, with the log position of its version ({@code at} may be null).
   */
  static Document chunk(String tenant, Chunk c, LogPosition at) {
    Document d = new Document();
    position(d, at);
    d.add(new StringField(CollectionIndex.TENANT, tenant, Field.Store.NO));
    d.add(new StringField(CollectionIndex.DOC_KEY, docKey(tenant, c.documentId()), Field.Store.NO));
    d.add(new StringField(CollectionIndex.DOC_ID, c.documentId(), Field.Store.YES));
    d.add(new StringField(CollectionIndex.KIND, CollectionIndex.KIND_CHUNK, Field.Store.NO));
    d.add(new IntPoint(CollectionIndex.ORDINAL, c.ordinal()));
    d.add(new StoredField(CollectionIndex.ORDINAL, c.ordinal()));
    d.add(new StoredField(CollectionIndex.SOURCE, c.sourceUri()));
    d.add(new TextField(CollectionIndex.TITLE, c.title(), Field.Store.YES));
    d.add(new StoredField(CollectionIndex.SECTION, c.section()));
    d.add(new StoredField(CollectionIndex.PAGE, c.page()));
    d.add(new TextField(CollectionIndex.TEXT, c.text(), Field.Store.YES));
    d.add(
        new KnnFloatVectorField(
            CollectionIndex.VECTOR, c.vector(), VectorSimilarityFunction.COSINE));
    if (c.publicToTenant()) {
      d.add(new StringField(CollectionIndex.ACL, CollectionIndex.PUBLIC, Field.Store.NO));
    }
    for (String p : c.acl()) {
      d.add(new StringField(CollectionIndex.ACL, principal(p), Field.Store.NO));
    }
    d.add(new StringField(CollectionIndex.HASH, c.contentHash(), Field.Store.YES));
    long modified = c.modified().toEpochMilli();
    d.add(new LongPoint(CollectionIndex.MODIFIED, modified));
    d.add(new StoredField(CollectionIndex.MODIFIED, modified));
    return d;
  }

  /** The record of a document that could not be indexed; it never matches a search. */
  static Document failure(
      String tenant, String documentId, String contentHash, String reason, LogPosition at) {
    Document d = new Document();
    position(d, at);
    d.add(new StringField(CollectionIndex.TENANT, tenant, Field.Store.NO));
    d.add(new StringField(CollectionIndex.DOC_KEY, docKey(tenant, documentId), Field.Store.NO));
    d.add(new StringField(CollectionIndex.KIND, CollectionIndex.KIND_FAILED, Field.Store.NO));
    d.add(new StringField(CollectionIndex.DOC_ID, documentId, Field.Store.YES));
    d.add(
        new StringField(
            CollectionIndex.HASH, contentHash == null ? "" : contentHash, Field.Store.YES));
    d.add(new StoredField(CollectionIndex.REASON, reason));
    return d;
  }

  private static void position(Document d, LogPosition at) {
    if (at != null) {
      d.add(new StringField(CollectionIndex.LOG_PID, at.persistenceId(), Field.Store.NO));
      d.add(new NumericDocValuesField(CollectionIndex.LOG_OFFSET, at.offset()));
    }
  }
}
