/**
 * The audit trail: {@link io.tramontane.core.audit.Audit} writes every audit record (logger {@code
 * tramontane.audit}), as an event name and named fields, each value sanitised once (known secrets
 * redacted, control characters replaced, length capped).
 */
package io.tramontane.core.audit;
