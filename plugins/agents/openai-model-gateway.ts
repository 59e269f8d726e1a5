import { inject, injectable } from 'inversify';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describeError, Logger, OrchError, toFieldIssues } from '../../kernel/index.js';
import { attemptsWording, type ModelGateway, type StructuredGenerationRequest, type StructuredGenerationResult } from './api/index.js';
import { ModelClients } from './model-clients.js';
import { modelFailure } from './model-failure.js';
import { loadedOpenAiSdk } from './openai-sdk.js';
import { extractJson, isStrictCompatible, modelJsonSchema } from './model-json-schema.js';
import type { ResolvedModel } from './models-config.js';

type StructureMode = 'json_schema' | 'json_object' | 'prompt';
const FALLBACK: Record<StructureMode, StructureMode | undefined> = { json_schema: 'json_object', json_object: 'prompt', prompt: undefined };
export const DEFAULT_REPAIR_ROUNDS = 3;
/** Problems quoted back to the model per repair round (a long list only confuses it). */
const PROBLEMS_SHOWN = 20;

/**
 * `ModelGateway` on the official `openai` SDK (Chat Completions, which every OpenAI-compatible server
 * speaks). The schema goes out as `response_format: json_schema`; a server that refuses it is asked
 * again in JSON mode, then with the schema in the prompt only — and the mode that worked is kept for
 * that provider. Every answer is validated here (Zod, then `check`); problems are fed back for up to
 * `maxRounds` repairs, then a clear error lists what is still wrong.
 */
@injectable()
export class OpenAiModelGateway implements ModelGateway {
  private readonly log: Logger;
  /** Per provider: the structure mode its server accepted (learnt from refusals). */
  private readonly modes = new Map<string, StructureMode>();

  constructor(
    @inject(ModelClients) private readonly clients: ModelClients,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ category: 'agents', plugin: 'agents', component: 'model-gateway' });
  }

  async generateStructured<T>(request: StructuredGenerationRequest<T>): Promise<StructuredGenerationResult<T>> {
    const target = await this.clients.resolve({ provider: request.provider, model: request.model });
    await this.clients.reach(target, request.signal);
    const jsonSchema = modelJsonSchema(request.schema);
    const strict = isStrictCompatible(jsonSchema);
    const maxRounds = request.maxRounds ?? DEFAULT_REPAIR_ROUNDS;
    let mode: StructureMode = this.modes.get(target.provider) ?? target.settings.structuredOutput;
    const conversation: ChatCompletionMessageParam[] = [{ role: 'user', content: request.prompt }];
    const usage = { inputTokens: 0, outputTokens: 0 };
    let problems: string[] = [];

    for (let round = 1; round <= maxRounds + 1; round++) {
      const started = Date.now();
      let answer: { text: string; truncated: boolean };
      for (;;) {
        try {
          answer = await this.complete(target, mode, request, jsonSchema, strict, conversation, usage);
          break;
        } catch (error) {
          const next = FALLBACK[mode];
          if (!next || !refusesStructure(error)) throw modelFailure(error, target);
          this.log.info(`Provider ${target.provider} refused ${mode} output; asking with ${next} instead`, {
            provider: target.provider,
            model: target.model,
            error: describeError(error),
          });
          mode = next;
          this.modes.set(target.provider, mode);
        }
      }
      problems = await this.problemsOf(answer, request);
      this.log.info(`Structured ${request.schemaName}: round ${round} ${problems.length === 0 ? 'valid' : `rejected (${problems.length} problems)`}`, {
        provider: target.provider,
        model: target.model,
        mode,
        round,
        durationMs: Date.now() - started,
        problems: problems.slice(0, 5),
      });
      if (problems.length === 0) {
        const value = request.schema.parse(extractJson(answer.text));
        return { value, rounds: round, usage, provider: target.provider, model: target.model, mode };
      }
      request.onRound?.(round, problems, maxRounds + 1 - round);
      if (round > maxRounds) break;
      conversation.push({ role: 'assistant', content: answer.text });
      conversation.push({ role: 'user', content: repairPrompt(request.schemaName, problems) });
    }
    const shown = problems.slice(0, PROBLEMS_SHOWN);
    throw new OrchError(
      'invalid_input',
      `The model ${target.model} (provider "${target.provider}") gave no valid ${request.schemaName} ${attemptsWording(maxRounds + 1)}. Still wrong: ${shown.join('; ')}${problems.length > shown.length ? `; and ${problems.length - shown.length} more` : ''}`,
      { provider: target.provider, model: target.model, rounds: maxRounds + 1, issues: problems.map(toIssue) },
    );
  }

  private async complete<T>(
    target: ResolvedModel,
    mode: StructureMode,
    request: StructuredGenerationRequest<T>,
    jsonSchema: Record<string, unknown>,
    strict: boolean,
    conversation: ChatCompletionMessageParam[],
    usage: { inputTokens: number; outputTokens: number },
  ): Promise<{ text: string; truncated: boolean }> {
    const system = mode === 'json_schema' ? request.system : `${request.system}\n\n${schemaInstructions(request.schemaName, jsonSchema)}`;
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: target.model,
      messages: [{ role: 'system', content: system }, ...conversation],
    };
    if (mode === 'json_schema') {
      body.response_format = { type: 'json_schema', json_schema: { name: schemaNameOf(request.schemaName), schema: jsonSchema, strict } };
    } else if (mode === 'json_object') {
      body.response_format = { type: 'json_object' };
    }
    const client = await this.clients.openai(target);
    const completion = await client.chat.completions.create(body, { signal: request.signal });
    usage.inputTokens += completion.usage?.prompt_tokens ?? 0;
    usage.outputTokens += completion.usage?.completion_tokens ?? 0;
    const choice = completion.choices[0];
    const message = choice?.message;
    if (message?.refusal) throw new OrchError('invalid_input', `The model ${target.model} refused: ${message.refusal}`, { provider: target.provider });
    return { text: message?.content ?? '', truncated: choice?.finish_reason === 'length' };
  }

  private async problemsOf<T>(answer: { text: string; truncated: boolean }, request: StructuredGenerationRequest<T>): Promise<string[]> {
    let raw: unknown;
    try {
      raw = extractJson(answer.text);
    } catch (error) {
      const cut = answer.truncated ? ' — it was cut off at the token limit; answer more briefly' : '';
      return [`(root): ${describeError(error)}${cut}`];
    }
    const parsed = request.schema.safeParse(raw);
    if (!parsed.success) {
      const problems = toFieldIssues(parsed.error).map((i) => `${i.path}: ${i.message}`);
      if (!request.checkRaw) return problems;
      // Every problem of this answer at once: what the schema says, then what a check of the parts that parse finds.
      try {
        for (const more of await request.checkRaw(raw)) if (!problems.includes(more)) problems.push(more);
      } catch (error) {
        this.log.debug(`Checking the parts of an invalid ${request.schemaName} that parse failed: ${describeError(error)}`);
      }
      return problems;
    }
    if (!request.check) return [];
    try {
      return await request.check(parsed.data);
    } catch (error) {
      return [`(check): ${describeError(error)}`];
    }
  }
}

/** A 400/422 while asking for a structure is most likely the server not supporting it. */
function refusesStructure(error: unknown): boolean {
  const sdk = loadedOpenAiSdk();
  return !!sdk && error instanceof sdk.APIError && (error.status === 400 || error.status === 422);
}

function schemaInstructions(name: string, schema: Record<string, unknown>): string {
  return `Answer with one JSON object only — no prose, no code fences — that is a valid ${name} matching this JSON Schema:\n${JSON.stringify(schema)}`;
}

function repairPrompt(name: string, problems: string[]): string {
  const shown = problems.slice(0, PROBLEMS_SHOWN);
  const more = problems.length > shown.length ? `\n(and ${problems.length - shown.length} more)` : '';
  return `That ${name} is not valid:\n${shown.map((p) => `- ${p}`).join('\n')}${more}\nAnswer again with the complete corrected JSON object only.`;
}

/** OpenAI allows `^[a-zA-Z0-9_-]{1,64}$` as a schema name. */
function schemaNameOf(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, 64) || 'answer';
}

function toIssue(problem: string): { path: string; message: string } {
  const colon = problem.indexOf(': ');
  return colon > 0 ? { path: problem.slice(0, colon), message: problem.slice(colon + 2) } : { path: '(root)', message: problem };
}
