package io.tramontane.agents.session;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.model.ExtractiveResponder;
import io.tramontane.agents.session.AgentSessionEntity.ChatResponseHolder;
import io.tramontane.agents.session.AgentSessionEntity.ModelReplied;
import io.tramontane.agents.session.SessionEvents.AnswerProduced;
import io.tramontane.agents.session.SessionEvents.ApprovalRequested;
import io.tramontane.agents.session.SessionEvents.Event;
import io.tramontane.agents.session.SessionEvents.ModelAnswered;
import io.tramontane.agents.session.SessionEvents.ModelCallFailed;
import io.tramontane.agents.session.SessionEvents.OutputRejected;
import io.tramontane.agents.session.SessionEvents.RequestedCall;
import io.tramontane.agents.session.SessionEvents.ToolCallDenied;
import io.tramontane.agents.session.SessionEvents.ToolCallRequested;
import io.tramontane.agents.tool.ArgumentValidator;
import io.tramontane.core.audit.Audit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model's side of a turn: the prompt (memory, the offered tools under their model-facing names)
 * within the token and step budgets, the call on the runtime's executor bounded by the turn's time,
 * and what its answer becomes — the answer (checked against the output schema), or the tool calls
 * it requests, each denied, held for approval or queued by policy.
 */
final class ModelStep {

  private static final Logger LOG = LoggerFactory.getLogger(AgentSessionEntity.class);

  private final SessionScope scope;
  private final SessionRuntime runtime;
  private final ActorContext<AgentSessionEntity.Command> context;
  private final EffectFactories<Event, SessionState> effect;
  private final TurnCalls calls;
  private final TurnWaiters waiters;

  ModelStep(SessionScope scope, TurnCalls calls, TurnWaiters waiters) {
    this.scope = scope;
    this.runtime = scope.runtime();
    this.context = scope.context();
    this.effect = scope.effect();
    this.calls = calls;
    this.waiters = waiters;
  }

  /** Calls the model for the turn's next step, if the budget allows it. */
  ReplyEffect<Event, SessionState> think(SessionState s, AgentDefinition def, Duration remaining) {
    if (s.steps() >= def.limits().maxSteps()) {
      return calls.overBudget(s, "max-steps", s.steps() + " model calls");
    }
    List<ChatMessage> memory = PromptMemory.of(s, def);
    int estimate = PromptMemory.estimateTokens(memory);
    if (s.tokens() + estimate > def.limits().maxTokens()) {
      return calls.overBudget(
          s, "max-tokens", (s.tokens() + estimate) + " tokens (" + estimate + " estimated)");
    }
    Optional<ChatModel> model = runtime.models().apply(def.model());
    if (model.isEmpty()) {
      return calls.end(s, "The model '" + def.model() + "' is not configured on this node.");
    }
    ToolNames names = ToolNames.of(def.tools());
    List<ToolSpecification> specs = new ArrayList<>();
    for (String name : def.tools()) {
      runtime
          .tools()
          .find(name)
          .ifPresent(
              t ->
                  specs.add(
                      ToolSpecification.builder()
                          .name(names.offered(t.name()))
                          .description(t.description())
                          .parameters(t.parameters())
                          .build()));
    }
    ChatRequest.Builder request = ChatRequest.builder().messages(PromptMemory.of(s, def, names));
    if (!specs.isEmpty()) {
      request.toolSpecifications(specs);
    }
    ChatRequest built = request.build();
    int turn = s.turn();
    int step = s.steps() + 1;
    calls.inFlight("model:" + turn + ":" + step);
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> model.get().chat(built), runtime.executor())
            .orTimeout(Math.max(1, remaining.toMillis()), TimeUnit.MILLISECONDS),
        (response, failure) ->
            new ModelReplied(
                turn,
                step,
                new ChatResponseHolder(response),
                failure == null ? null : ModelFailure.of(failure)));
    return effect.noReply();
  }

  /** The model answered (or failed): its answer, the calls it requests (by policy), or the end. */
  ReplyEffect<Event, SessionState> replied(SessionState s, ModelReplied r) {
    if (r.turn() != s.turn() || s.phase() != SessionState.Phase.THINKING) {
      return effect.noReply();
    }
    if (r.failure() != null && calls.stopping()) {
      return effect.noReply();
    }
    calls.inFlight(null);
    AgentDefinition def = scope.definition(s).orElseThrow();
    if (r.failure() != null) {
      if (r.failure().turnTimeout()) {
        return calls.overBudget(
            s,
            "timeout",
            "the model had not answered when the turn's "
                + TurnCalls.span(def.limits().timeout())
                + " ran out");
      }
      ModelFailure f = r.failure();
      LOG.warn("Session {}: model call failed ({}): {}", scope.entityId(), f.kind(), f.detail());
      int turn = s.turn();
      return effect
          .persist(new ModelCallFailed(turn, r.step(), def.model(), f.kind(), f.detail()))
          .thenRun(waiters::answer)
          .thenNoReply();
    }
    ChatResponse response = r.response().response();
    AiMessage ai = response.aiMessage();
    TokenUsage usage = response.tokenUsage();
    int in = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
    int out = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
    ToolNames names = ToolNames.of(def.tools());
    List<RequestedCall> calls = new ArrayList<>();
    if (ai.hasToolExecutionRequests()) {
      for (ToolExecutionRequest t : ai.toolExecutionRequests()) {
        calls.add(
            new RequestedCall(
                WellFormedText.repaired(t.id()),
                WellFormedText.repaired(names.tool(t.name())),
                WellFormedText.repaired(t.arguments())));
      }
    }
    String text = WellFormedText.repaired(ai.text());
    List<Event> events = new ArrayList<>();
    events.add(new ModelAnswered(s.turn(), r.step(), text, calls, in, out));
    if (calls.isEmpty()) {
      Optional<String> problem =
          def.outputSchema() == null
                  || ExtractiveResponder.NAME.equals(def.model())
                  || runtime.models().apply(def.model()).orElse(null) instanceof ExtractiveResponder
              ? Optional.empty()
              : ArgumentValidator.validateOutput(def.outputSchema(), text);
      if (problem.isPresent()) {
        events.add(new OutputRejected(s.turn(), r.step(), problem.get()));
        int turn = s.turn();
        return effect.persist(events).thenRun(st -> scope.proceed(turn)).thenNoReply();
      }
      events.add(new AnswerProduced(s.turn(), text == null ? "" : text, s.citations()));
      return effect.persist(events).thenRun(waiters::answer).thenNoReply();
    }
    int n = s.requested();
    for (RequestedCall call : calls) {
      String key = scope.entityId() + "/" + s.turn() + "/" + n++;
      events.add(
          new ToolCallRequested(s.turn(), key, call.modelCallId(), call.tool(), call.arguments()));
      Optional<String> refusal = ToolPolicy.check(def, runtime.tools(), call);
      if (refusal.isPresent()) {
        Audit.refused(
            "tool denied",
            Audit.field("session", scope.entityId()),
            Audit.field("key", key),
            Audit.field("tool", call.tool()),
            Audit.field("reason", refusal.get()));
        events.add(new ToolCallDenied(s.turn(), key, call.tool(), refusal.get()));
      } else if (def.needsApproval(call.tool())) {
        events.add(new ApprovalRequested(s.turn(), key, call.tool(), call.arguments()));
      }
    }
    int turn = s.turn();
    return effect
        .persist(events)
        .thenRun(
            st -> {
              waiters.answer(st);
              scope.proceed(turn);
            })
        .thenNoReply();
  }
}
