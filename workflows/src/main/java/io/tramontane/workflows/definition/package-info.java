/**
 * Workflow definitions: CNCF Serverless Workflow DSL 1.0 YAML, read defensively and checked against
 * the DSL schema and Tramontane's supported profile.
 *
 * <p>Entry point: {@link io.tramontane.workflows.definition.WorkflowDefinitions}. {@code
 * validate(source, bytes)} returns every {@link io.tramontane.workflows.definition.Problem} with
 * its line and column; {@code parse(source, bytes)} returns a {@link
 * io.tramontane.workflows.definition.WorkflowDefinition} (the SDK model, the tree and a SHA-256
 * version hash) or throws {@link io.tramontane.workflows.definition.WorkflowDefinitionException}.
 * The published profile is {@code io/tramontane/workflows/profile.schema.json}.
 */
package io.tramontane.workflows.definition;
