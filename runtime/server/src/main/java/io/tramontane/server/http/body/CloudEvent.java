package io.tramontane.server.http.body;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A CloudEvents 1.0 event in structured JSON mode ({@code POST /events}, {@code POST
 * /workflows/{w}/runs/{run}/events}): the context attributes the platform knows (extension
 * attributes are refused, not dropped) and the data. The tenant is the API key's, never the
 * event's.
 */
public record CloudEvent(
    String specversion,
    String id,
    String source,
    String type,
    String subject,
    String time,
    String datacontenttype,
    String dataschema,
    JsonNode data) {}
