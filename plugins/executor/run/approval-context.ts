import { describeError, redactSecrets } from '../../../kernel/index.js';
import { adapterKeyOf, adapterParamsOf, evaluateExpression, renderTemplates, type LeafNode, type NodeAdapter } from '../../plans/api/index.js';
import type { Placement } from '../graph/plan-compiler.js';
import type { RunStateValues } from '../graph/run-state.js';
import { effectiveRisk, scopeOf } from './run-environment.js';

/** What a person is shown when asked to approve: title, prompt and the node's inputs, all rendered. */
export interface RenderedApproval {
  title: string;
  prompt: string;
  context: Record<string, unknown>;
}

/**
 * Renders what an approval asks with the run's values at the moment of the request, through the
 * same JSONata scope the node itself uses (`input`, `nodes`, `vars` from the node's `inputs`,
 * `item`/`index` inside loops). Secrets stay out: the scope is redacted before rendering (so
 * `{{ input.apiToken }}` shows `[REDACTED]`) and the result again (a param named `token` is
 * redacted whatever its value). A template that cannot be rendered yet is shown as written, with
 * the reason, instead of failing the request: the node reports the error itself when it runs.
 */
export async function renderApproval(node: LeafNode, adapter: NodeAdapter | undefined, placement: Placement, state: RunStateValues): Promise<RenderedApproval> {
  const problems: string[] = [];
  const render = async (value: unknown, scope: Record<string, unknown>, where: string): Promise<unknown> => {
    try {
      return await renderTemplates(value, scope, where);
    } catch (error) {
      problems.push(describeError(error));
      return value;
    }
  };
  const vars: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(node.inputs ?? {})) {
    try {
      vars[name] = await evaluateExpression(expression, scopeOf(state, placement), `node "${node.id}" inputs.${name}`);
    } catch (error) {
      problems.push(describeError(error));
    }
  }
  const scope = redactSecrets(scopeOf(state, placement, vars)) as Record<string, unknown>;
  const safeVars = redactSecrets(vars) as Record<string, unknown>;
  const iteration = placement.loops.length ? { index: scope.index, ...(scope.item !== undefined ? { item: scope.item } : {}) } : {};

  if (node.type === 'human_approval') {
    const title = String((await render(node.title ?? node.id, scope, `node "${node.id}" title`)) ?? '');
    const prompt = String((await render(node.prompt, scope, `node "${node.id}" prompt`)) ?? '');
    const context: Record<string, unknown> = { type: 'human_approval', ...(Object.keys(safeVars).length ? { vars: safeVars } : {}), ...iteration };
    if (problems.length) context.renderErrors = problems;
    return { title, prompt: withProblems(prompt, problems), context };
  }

  const risk = effectiveRisk(node, adapter);
  const title = `Approve ${String((await render(node.title ?? node.id, scope, `node "${node.id}" title`)) ?? node.id)}`;
  const description = node.description === undefined ? undefined : String(await render(node.description, scope, `node "${node.id}" description`));
  const params = redactSecrets(await render(adapterParamsOf(node), scope, `node "${node.id}"`));
  const prompt = description ?? `Node "${node.id}" (${adapterKeyOf(node)}, risk ${risk}) needs approval before it runs.`;
  const context: Record<string, unknown> = {
    type: adapterKeyOf(node),
    params,
    ...(Object.keys(safeVars).length ? { vars: safeVars } : {}),
    ...iteration,
  };
  if (problems.length) context.renderErrors = problems;
  return { title, prompt: withProblems(prompt, problems), context };
}

function withProblems(prompt: string, problems: readonly string[]): string {
  return problems.length ? `${prompt}\n\n(Some values could not be shown yet: ${problems.join('; ')})` : prompt;
}
