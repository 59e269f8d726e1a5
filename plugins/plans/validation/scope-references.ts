/** The names an expression's scope offers (see kernel/contracts/plan.ts). */
export const SCOPE_NAMES = ['input', 'nodes', 'vars', 'item', 'index'] as const;
