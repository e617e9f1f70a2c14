package io.tramontane.retrieval.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.StringHelper;

/**
 * What a collection holds for one tenant, read on one searcher: failures, counts, a document's
 * content hash, document ids by prefix (from the document-key terms, not the chunks).
 */
final class TenantReads {

  private TenantReads() {}

  static List<CollectionIndex.Failure> failures(IndexSearcher s, String tenant, int limit)
      throws IOException {
    Query q = ofTenant(tenant, kind(CollectionIndex.KIND_FAILED));
    List<CollectionIndex.Failure> out = new ArrayList<>();
    for (ScoreDoc d : s.search(q, Math.max(1, limit)).scoreDocs) {
      Document doc = s.storedFields().document(d.doc);
      out.add(
          new CollectionIndex.Failure(
              doc.get(CollectionIndex.DOC_ID), doc.get(CollectionIndex.REASON)));
    }
    return out;
  }

  static int failureCount(IndexSearcher s, String tenant) throws IOException {
    return s.count(ofTenant(tenant, kind(CollectionIndex.KIND_FAILED)));
  }

  static int documentCount(IndexSearcher s, String tenant) throws IOException {
    return s.count(ofTenant(tenant, IntPoint.newExactQuery(CollectionIndex.ORDINAL, 0)));
  }

  static Optional<String> contentHash(IndexSearcher s, String tenant, String documentId)
      throws IOException {
    var top =
        s.search(
            new TermQuery(
                new Term(CollectionIndex.DOC_KEY, ChunkDocuments.docKey(tenant, documentId))),
            1);
    if (top.scoreDocs.length == 0) {
      return Optional.empty();
    }
    return Optional.of(s.storedFields().document(top.scoreDocs[0].doc).get(CollectionIndex.HASH));
  }

  static int chunkCount(IndexSearcher s, String tenant) throws IOException {
    return s.count(ofTenant(tenant, kind(CollectionIndex.KIND_CHUNK)));
  }

  static SortedSet<String> documentIds(IndexSearcher s, BytesRef start, int idStart)
      throws IOException {
    SortedSet<String> ids = new TreeSet<>();
    for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
      Terms terms = leaf.reader().terms(CollectionIndex.DOC_KEY);
      if (terms == null) {
        continue;
      }
      Bits live = leaf.reader().getLiveDocs();
      TermsEnum te = terms.iterator();
      if (te.seekCeil(start) == TermsEnum.SeekStatus.END) {
        continue;
      }
      PostingsEnum postings = null;
      for (BytesRef term = te.term(); term != null; term = te.next()) {
        if (!StringHelper.startsWith(term, start)) {
          break;
        }
        postings = te.postings(postings, PostingsEnum.NONE);
        for (int d = postings.nextDoc();
            d != DocIdSetIterator.NO_MORE_DOCS;
            d = postings.nextDoc()) {
          if (live == null || live.get(d)) {
            ids.add(term.utf8ToString().substring(idStart));
            break;
          }
        }
      }
    }
    return ids;
  }

  /** {@code also}, within {@code tenant}'s documents. */
  private static Query ofTenant(String tenant, Query also) {
    return new BooleanQuery.Builder()
        .add(new TermQuery(new Term(CollectionIndex.TENANT, tenant)), BooleanClause.Occur.FILTER)
        .add(also, BooleanClause.Occur.FILTER)
        .build();
  }

  private static Query kind(String kind) {
    return new TermQuery(new Term(CollectionIndex.KIND, kind));
  }
}
