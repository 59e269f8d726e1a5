// A module hook for missing-sdk-probe.ts: resolving one of the hidden packages fails as it does
// when the package is not installed (ERR_MODULE_NOT_FOUND, "Cannot find package …").
let hidden = [];

export async function initialize(data) {
  hidden = data.hidden;
}

export async function resolve(specifier, context, nextResolve) {
  const name = hidden.find((p) => specifier === p || specifier.startsWith(`${p}/`));
  if (name) {
    const error = new Error(`Cannot find package '${name}' imported from ${context.parentURL ?? 'the entry'}`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return nextResolve(specifier, context);
}
