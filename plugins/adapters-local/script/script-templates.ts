import { OrchError, describeError } from '../../../kernel/index.js';
import { renderTemplates, scopeReferences, templateExpressions, type DryRunIssue, type LeafNode } from '../../plans/api/index.js';
import type { ScriptParams } from './script-params.js';

const SIMPLE_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\.`[^`]+`)*$/;
const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Script templates read only the node's own inputs (`vars.<name>`), so everything a script receives
 * from earlier nodes is spelled out in the node's `inputs` mappings, where the approver sees it —
 * and never inside a shell string.
 */
export function scriptTemplateIssues(params: ScriptParams, node: LeafNode): DryRunIssue[] {
  const issues: DryRunIssue[] = [];
  if (typeof params.command === 'string' && templateExpressions(params.command).length > 0) {
    issues.push({
      path: 'params.command',
      message:
        'templates are never spliced into a shell command: put the value in "env" (e.g. "env": { "NAME": "{{ vars.name }}" }) and write "$NAME" in the command',
    });
  }
  const inputs = Object.keys(node.inputs ?? {});
  const templated = { ...(Array.isArray(params.command) ? { command: params.command } : {}), env: params.env, cwd: params.cwd, stdin: params.stdin };
  for (const { path, expression } of templateExpressions(templated)) {
    let roots;
    try {
      roots = scopeReferences(expression, `node "${node.id}" params.${path}`);
    } catch (error) {
      issues.push({ path: `params.${path}`, message: describeError(error) });
      continue;
    }
    for (const { root, name } of roots) {
      const field = `params.${path}`;
      if (root !== 'vars') {
        const read = name ? `${root}.${name}` : root;
        // A plain path is mapped whole (nodes.fetch.body); anything else by its first two steps.
        const mapped = SIMPLE_PATH.test(expression) ? expression : read;
        const suggested = name && INPUT_NAME.test(name) ? name : 'value';
        issues.push({
          path: field,
          message: `script templates read only this node's inputs (vars.<name>), not "${read}": add "inputs": { "${suggested}": "${mapped}" } to the node and write {{ vars.${suggested} }}`,
        });
      } else if (!name) {
        issues.push({ path: field, message: 'name the input: {{ vars.<name> }}' });
      } else if (!inputs.includes(name)) {
        issues.push({ path: field, message: `vars.${name} is not an input of this node; its inputs: ${inputs.length > 0 ? inputs.join(', ') : '(none — add "inputs")'}` });
      }
    }
  }
  return issues;
}

/** Renders one templated param to the text a program receives; a template that gives nothing is an error. */
export async function renderScriptText(value: string, vars: Record<string, unknown>, field: string, nodeId: string): Promise<string> {
  const rendered = await renderTemplates(value, { vars }, `node "${nodeId}" params.${field}`);
  if (rendered === undefined || rendered === null) {
    throw new OrchError('invalid_input', `node "${nodeId}" params.${field}: ${value} gave no value (check the node's inputs)`, {
      issues: [{ path: `params.${field}`, message: `${value} gave no value` }],
    });
  }
  return typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
}
