package io.tramontane.server.http.body;

/**
 * An answer that only says what happened: {@code deleted}, {@code not-deployed}, {@code recorded},
 * {@code delivered}, {@code cancelled}, {@code published}, {@code duplicate}, {@code up}.
 */
public record Status(String status) {}
