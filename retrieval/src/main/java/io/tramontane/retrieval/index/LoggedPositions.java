package io.tramontane.retrieval.index;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The log positions an index holds: for each indexed document recorded from the document log, the
 * log persistence id and offset of the event it was indexed from (what a rebuild or a catch-up
 * compares against the log).
 */
final class LoggedPositions {

  private static final String LOG_PID = CollectionIndex.LOG_PID;
  private static final String LOG_OFFSET = CollectionIndex.LOG_OFFSET;

  private LoggedPositions() {}

  /** For each persistence id, the offset the index holds for it, or -1. */
  static long[] offsets(IndexSearcher s, List<String> persistenceIds) throws IOException {
    long[] out = new long[persistenceIds.size()];
    Arrays.fill(out, -1);
    eachLeaf(
        s,
        (leaf, te, live) -> {
          PostingsEnum postings = null;
          for (int i = 0; i < out.length; i++) {
            if (out[i] >= 0 || !te.seekExact(new BytesRef(persistenceIds.get(i)))) {
              continue;
            }
            postings = te.postings(postings, PostingsEnum.NONE);
            out[i] = liveOffset(leaf, postings, live);
          }
        });
    return out;
  }

  /** Every document with a recorded position: persistence id → offset. */
  static Map<String, Long> all(IndexSearcher s) throws IOException {
    Map<String, Long> out = new HashMap<>();
    eachLeaf(
        s,
        (leaf, te, live) -> {
          PostingsEnum postings = null;
          for (BytesRef pid = te.next(); pid != null; pid = te.next()) {
            postings = te.postings(postings, PostingsEnum.NONE);
            long offset = liveOffset(leaf, postings, live);
            if (offset >= 0) {
              out.merge(pid.utf8ToString(), offset, Math::max);
            }
          }
        });
    return out;
  }

  private interface LeafTerms {
    void visit(LeafReaderContext leaf, TermsEnum persistenceIds, Bits live) throws IOException;
  }

  /** Visits the persistence-id terms of every segment that has some. */
  private static void eachLeaf(IndexSearcher s, LeafTerms visitor) throws IOException {
    for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
      Terms terms = leaf.reader().terms(LOG_PID);
      if (terms != null) {
        visitor.visit(leaf, terms.iterator(), leaf.reader().getLiveDocs());
      }
    }
  }

  /**
   * The log offset of the first live document among {@code postings} (0 when it has none recorded),
   * or -1 when every one is deleted.
   */
  private static long liveOffset(LeafReaderContext leaf, PostingsEnum postings, Bits live)
      throws IOException {
    for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
      if (live == null || live.get(d)) {
        NumericDocValues offsets = leaf.reader().getNumericDocValues(LOG_OFFSET);
        return offsets != null && offsets.advanceExact(d) ? offsets.longValue() : 0;
      }
    }
    return -1;
  }
}
