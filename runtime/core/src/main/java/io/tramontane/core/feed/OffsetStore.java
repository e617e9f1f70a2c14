package io.tramontane.core.feed;

import io.tramontane.core.persistence.Database;
import io.tramontane.core.persistence.DatabaseSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Each feed consumer's last handled journal offset, in the TRAMONTANE_OFFSET table. */
final class OffsetStore {

  private final Database database;

  OffsetStore(Database database) {
    this.database = database;
  }

  long load(String consumerId) throws SQLException {
    try (Connection c = database.connection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT OFFSET_VALUE FROM TRAMONTANE_OFFSET WHERE CONSUMER_ID = ?")) {
      s.setString(1, consumerId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }
  }

  void save(Connection tx, String consumerId, long offset) throws SQLException {
    String sql =
        database.settings().kind() == DatabaseSettings.Kind.H2
            ? "MERGE INTO TRAMONTANE_OFFSET (CONSUMER_ID, OFFSET_VALUE, UPDATED_AT)"
                + " KEY (CONSUMER_ID) VALUES (?, ?, ?)"
            : "INSERT INTO tramontane_offset (consumer_id, offset_value, updated_at)"
                + " VALUES (?, ?, ?) ON CONFLICT (consumer_id) DO UPDATE"
                + " SET offset_value = EXCLUDED.offset_value, updated_at = EXCLUDED.updated_at";
    try (PreparedStatement s = tx.prepareStatement(sql)) {
      s.setString(1, consumerId);
      s.setLong(2, offset);
      s.setLong(3, System.currentTimeMillis());
      s.executeUpdate();
    }
  }
}
