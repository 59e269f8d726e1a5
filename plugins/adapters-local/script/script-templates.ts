import { OrchError, describeError } from '../../../kernel/index.js';
import { renderTemplates, scopeReferences, templateExpressions, type DryRunIssue, type LeafNode } from '../../plans/api/index.js';
import type { ScriptParams } from './script-params.js';

/** Programs that run their arguments (or their stdin) as shell code. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'pdksh', 'fish', 'ash', 'csh', 'tcsh', 'rbash', 'busybox', 'yash', 'posh']);

/** `sh` for `/usr/bin/sh`, `bash` for `bash5.2` or `bash.exe`. */
function programName(arg: string): string {
  const base = arg.split(/[\\/]/).pop() ?? arg;
  return base.replace(/\.exe$/i, '').replace(/[0-9.]+$/, '');
}

/**
 * A template that reaches a shell is shell code: an input of `; rm -rf ~` would run. argv is safe
 * only while no shell parses it, so templates are refused in an argv that runs a shell — its
 * program, or any word after `env`, `sudo`, `nice`, `timeout`…, is a shell — or that has `-c`
 * anywhere (`python3 -c`, `xargs sh -c`), and in the stdin of a shell. Values go through `env`.
 */
function shellIssues(params: ScriptParams): DryRunIssue[] {
  if (!Array.isArray(params.command)) return [];
  const argv = params.command;
  const literal = (arg: string) => templateExpressions(arg).length === 0;
  if (argv.length > 0 && !literal(argv[0]!)) {
    // The program itself chosen by a value could be a shell (or anything): the plan names it.
    return [{ path: 'params.command.0', message: 'the program itself may not come from a template: name it in the plan, and pass values as arguments or through "env"' }];
  }
  const shellAt = argv.findIndex((arg) => literal(arg) && SHELLS.has(programName(arg)));
  const dashC = argv.findIndex((arg) => literal(arg) && (arg === '-c' || (shellAt >= 0 && /^-[A-Za-z]*c[A-Za-z]*$/.test(arg))));
  if (shellAt < 0 && dashC < 0) return [];
  const why = shellAt >= 0 ? `"${argv[shellAt]}" is a shell, which runs what it is given as code` : `"-c" makes command.${dashC} code`;
  const issues: DryRunIssue[] = [];
  argv.forEach((arg, i) => {
    if (literal(arg)) return;
    issues.push({
      path: `params.command.${i}`,
      message: `templates are never passed to a shell: ${why}, so a value could run as a command. Pass it through "env" instead (e.g. "env": { "VALUE": "{{ vars.name }}" }) and write "$VALUE" in the script`,
    });
  });
  if (shellAt >= 0 && params.stdin !== undefined && !literal(params.stdin)) {
    issues.push({
      path: 'params.stdin',
      message: `templates are never passed to a shell: "${argv[shellAt]}" runs its stdin as code. Pass the value through "env" instead and write "$VALUE" in the script`,
    });
  }
  return issues;
}

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
  issues.push(...shellIssues(params));
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
