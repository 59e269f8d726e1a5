// The arguments of a command line that names a known command and is plainly valid, read without
// yargs. yargs costs a command about 50 ms of CPU (its module, then the help text it renders for
// every command it runs, in case the command asks for it); yargs-parser, the parser yargs itself
// uses, costs 10. Anything this does not vouch for — a help or version request, an option or an
// argument it does not know, a missing or surplus positional, a number-like positional, a missing
// demanded option — is left to yargs, so every error and every help text stays yargs'.

/** The options every command accepts: bin/orch.js declares these to yargs, and this parser reads them. */
export const GLOBAL_OPTIONS = {
  home: { type: 'string', description: 'Folder holding config/, agents-config/, state/, logs/ (default: $ORCH_HOME or the project root)' },
  json: { type: 'boolean', description: 'Machine-readable JSON output' },
  operator: { type: 'string', description: 'Who is acting, recorded in logs and approvals (default: $ORCH_OPERATOR or the OS user)' },
  plugins: { type: 'string', description: 'Profiles and plugin ids to load besides core, e.g. business,ops' },
};

const camelCase = (name) => name.replace(/-([a-z0-9])/g, (_, letter) => letter.toUpperCase());

/**
 * The arguments a command's handler gets from yargs — options (with their camelCase forms and
 * aliases), defaults and positionals by name — or undefined when yargs must decide.
 */
export async function parseCommandLine(argv, command) {
  if (argv.some((arg) => arg === '--help' || arg === '-h' || arg === '--version' || arg === '--')) return undefined;
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  if (command.options.version || command.options.help) return undefined;
  const config = { key: {}, alias: {}, boolean: [], string: [], number: [], array: [], default: {} };
  for (const [name, option] of Object.entries(options)) {
    config.key[name] = true;
    if (option.alias !== undefined) config.alias[name] = [].concat(option.alias);
    if (option.type === 'array' || option.array) config.array.push(name);
    if (option.type === 'boolean' || option.type === 'string' || option.type === 'number') config[option.type].push(name);
    else if (option.type !== undefined && option.type !== 'array') return undefined;
    if ('default' in option) config.default[name] = option.default;
  }
  const { default: parser } = await import('yargs-parser');
  // As yargs calls it: positionals stay strings here and are typed by their own declaration below.
  const parsed = parser.detailed(argv, { ...config, configuration: { 'parse-positional-numbers': false } });
  if (parsed.error) return undefined;
  const args = parsed.argv;

  // Strict, as yargs is: every key must be a declared option, one of its aliases or camelCase forms.
  const known = new Set(['_', '$0']);
  for (const [name, option] of Object.entries(options)) {
    for (const key of [name, ...[].concat(option.alias ?? [])]) {
      known.add(key);
      known.add(camelCase(key));
    }
  }
  if (Object.keys(args).some((key) => !known.has(key))) return undefined;
  for (const [name, option] of Object.entries(command.options)) if (option.demandOption && args[name] === undefined) return undefined;

  const [word, ...values] = args._;
  if (word !== command.name) return undefined;
  const positionals = command.positionals;
  if (positionals.some((p) => p.type !== undefined && p.type !== 'string')) return undefined;
  const variadic = positionals.at(-1)?.variadic;
  if (values.length < positionals.filter((p) => p.required !== false).length) return undefined;
  if (!variadic && values.length > positionals.length) return undefined;
  // yargs parses the positionals once more as `--<name> <value>` options, which gives them their
  // camelCase and kebab-case forms; so does this.
  const unparsed = [];
  positionals.forEach((positional, i) => {
    for (const value of positional.variadic ? values.slice(i) : values.slice(i, i + 1)) unparsed.push(`--${positional.name}`, String(value));
  });
  if (unparsed.length > 0) {
    const names = positionals.map((p) => p.name);
    const again = parser.detailed(unparsed, {
      ...config,
      key: { ...config.key, ...Object.fromEntries(names.map((n) => [n, true])) },
      string: [...config.string, ...names],
      array: [...config.array, ...positionals.filter((p) => p.variadic).map((p) => p.name)],
      configuration: { 'parse-positional-numbers': false, 'populate--': false },
    });
    if (again.error) return undefined;
    const keys = new Set(names.flatMap((n) => [n, ...(again.aliases[n] ?? [])]));
    for (const [key, value] of Object.entries(again.argv)) if (keys.has(key)) args[key] = value;
  }
  return { ...args, _: [command.name], $0: 'orch' };
}
