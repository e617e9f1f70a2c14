package io.tramontane.workflows.call;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.tramontane.workflows.run.WorkflowError;
import java.util.Map;
import java.util.function.Function;

/**
 * Local references of an OpenAPI document ({@code $ref: '#/components/parameters/…'} and {@code
 * '#/components/requestBodies/…'}), resolved in the document itself. Any other reference (another
 * file or URL) is refused: the parser never fetches (see {@link OpenApiDocuments}), so a document
 * that spreads an operation's parameters over several files cannot be called.
 */
final class OpenApiRefs {

  private static final int MAX_HOPS = 16;

  private OpenApiRefs() {}

  static Parameter parameter(OpenAPI api, Parameter p, String ref) {
    Parameter resolved =
        resolve(
            api, p, Parameter::get$ref, "#/components/parameters/", Components::getParameters, ref);
    if (resolved.getName() == null || resolved.getIn() == null) {
      throw bad("a parameter has no 'name' or no 'in'", ref);
    }
    return resolved;
  }

  static RequestBody requestBody(OpenAPI api, RequestBody body, String ref) {
    return resolve(
        api,
        body,
        RequestBody::get$ref,
        "#/components/requestBodies/",
        Components::getRequestBodies,
        ref);
  }

  private static <T> T resolve(
      OpenAPI api,
      T value,
      Function<T, String> refOf,
      String prefix,
      Function<Components, Map<String, T>> section,
      String ref) {
    T current = value;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      String target = refOf.apply(current);
      if (target == null) {
        return current;
      }
      if (!target.startsWith(prefix)) {
        throw bad(
            "reference '" + target + "' is not in this document's " + prefix.substring(2), ref);
      }
      Map<String, T> known =
          api.getComponents() == null ? null : section.apply(api.getComponents());
      T next = known == null ? null : known.get(target.substring(prefix.length()));
      if (next == null) {
        throw bad("reference '" + target + "' is not defined", ref);
      }
      current = next;
    }
    throw bad("references nest deeper than " + MAX_HOPS, ref);
  }

  private static WorkflowError bad(String detail, String ref) {
    return WorkflowError.runtime(400, "Bad OpenAPI document", detail, ref);
  }
}
