// A third-party Orch plugin in plain JavaScript. Orch's service tokens are global symbols
// (`Symbol.for('orch.<Name>')`), so a package needs nothing from Orch at run time; `zod` is a peer.
//
// What it adds, all declared in the "orch" field of package.json and all gone when the package is
// no longer listed in config/orch.json:
// - the command `orch greet <name>` and the task kind `local_task` / `greet`;
// - a node type of its own, `greeting` (its fields: `to`, `language`, `shout`);
// - the event `greeting.sent`, published each time a greeting node runs;
// - the status section `greetings` (`orch status`, GET /api/status, the WebSocket snapshot);
// - the route GET /api/greeter/greetings;
// - the GUI panel `greetings` (gui/dist/greeter-panel.js, built from gui/src with `npm run build`).
import { z } from 'zod';

const CliCommand = Symbol.for('orch.CliCommand');
const NodeAdapter = Symbol.for('orch.NodeAdapter');
const EventContribution = Symbol.for('orch.EventContribution');
const StatusSection = Symbol.for('orch.StatusSection');
const HttpRoutes = Symbol.for('orch.HttpRoutes');
const Logger = Symbol.for('orch.Logger');
const EventBus = Symbol.for('orch.EventBus');
const JsonStore = Symbol.for('orch.JsonStore');
const Paths = Symbol.for('orch.Paths');

const WORDS = { en: 'Hello', fr: 'Bonjour', de: 'Hallo', es: 'Hola' };

function greeting(name, shout, language = 'en') {
  const text = `${WORDS[language]}, ${name}!`;
  return shout ? text.toUpperCase() : text;
}

/** The fields of a `greeting` node (besides id, title, retry… which every node has): their one description. */
const GreetingParamsSchema = z.strictObject({
  to: z.string({ error: (issue) => (issue.input === undefined ? 'say whom to greet (to)' : undefined) }).min(1, 'say whom to greet (to)').describe('Who is greeted; may use {{ … }} templates'),
  language: z.enum(Object.keys(WORDS)).default('en').describe('en, fr, de or es (default en)'),
  shout: z.boolean().default(false).describe('Greet in capitals'),
});

/** The payload of `greeting.sent` (the bus adds type, seq and time). */
const GreetingSentSchema = z.object({ runId: z.string(), nodeId: z.string(), to: z.string(), text: z.string() });

const GreetingRecordSchema = z.object({ key: z.string(), at: z.string(), runId: z.string(), nodeId: z.string(), to: z.string(), text: z.string() });
const GreetingsFileSchema = z.object({ greetings: z.array(GreetingRecordSchema) });
/** The newest greetings kept in state/greeter/greetings.json. */
const KEPT = 50;

/** The greetings sent, in a JSON file of the home's state folder (so the CLI and the server agree). */
class GreetingLog {
  constructor(store, paths) {
    this.store = store;
    this.file = paths.state('greeter', 'greetings.json');
  }

  async list() {
    return (await this.store.read(this.file, GreetingsFileSchema))?.greetings ?? [];
  }

  /** Records one greeting; a node run again after a crash (same idempotency key) is recorded once. */
  async add(record) {
    let added = false;
    await this.store.update(this.file, GreetingsFileSchema, () => ({ greetings: [] }), (current) => {
      if (current.greetings.some((g) => g.key === record.key)) return current;
      added = true;
      return { greetings: [...current.greetings, record].slice(-KEPT) };
    });
    return added;
  }
}

export default {
  bindings({ bind }) {
    bind(GreetingLog).toResolvedValue((store, paths) => new GreetingLog(store, paths), [JsonStore, Paths]);

    bind(CliCommand).toResolvedValue(
      (logger) => ({
        name: 'greet',
        async run(args, io) {
          const text = greeting(String(args.name), Boolean(args.shout));
          logger.info('greeted', { category: 'greeter', name: args.name });
          if (io.json) io.printJson({ greeting: text });
          else io.out(text);
          return 0;
        },
      }),
      [Logger],
    );

    // A kind of the built-in local_task node…
    bind(NodeAdapter).toConstantValue({
      type: 'local_task',
      kind: 'greet',
      description: 'Returns { greeting } for params.name',
      defaultRiskLevel: 'low',
      paramsSchema: z.strictObject({ name: z.string().min(1), shout: z.boolean().default(false) }),
      async run(ctx) {
        return { greeting: greeting(ctx.params.name, ctx.params.shout) };
      },
    });

    // …and a node type of its own: { "id": "hi", "type": "greeting", "to": "Ada" }.
    bind(NodeAdapter).toResolvedValue(
      (log, bus) => ({
        type: 'greeting',
        description: 'Greets someone: output { text }; each greeting is published as greeting.sent and listed by GET /api/greeter/greetings',
        defaultRiskLevel: 'low',
        paramsSchema: GreetingParamsSchema,
        async dryRun({ params }) {
          return params.shout && params.language !== 'en' ? [{ path: 'shout', message: `shouting in "${params.language}" is impolite`, severity: 'warning' }] : [];
        },
        async run(ctx) {
          const text = greeting(ctx.params.to, ctx.params.shout, ctx.params.language);
          const key = ctx.idempotencyKey;
          const added = await log.add({ key, at: new Date().toISOString(), runId: ctx.runId, nodeId: ctx.nodeId, to: ctx.params.to, text });
          if (added) bus.publish({ type: 'greeting.sent', runId: ctx.runId, nodeId: ctx.nodeId, to: ctx.params.to, text });
          return { text };
        },
      }),
      [GreetingLog, EventBus],
    );

    bind(EventContribution).toConstantValue({ events: { 'greeting.sent': GreetingSentSchema } });

    bind(StatusSection).toResolvedValue(
      (log) => ({
        name: 'greetings',
        schema: z.object({ sent: z.number().int(), last: z.string().nullable() }),
        async build() {
          const all = await log.list();
          return { sent: all.length, last: all.at(-1)?.text ?? null };
        },
        describe(value) {
          return [`${value.sent} greeting${value.sent === 1 ? '' : 's'} sent${value.last ? `, last: ${value.last}` : ''}`];
        },
      }),
      [GreetingLog],
    );

    bind(HttpRoutes).toResolvedValue(
      (log) => ({
        routes: () => [
          {
            method: 'GET',
            path: '/greeter/greetings',
            summary: 'The greetings sent by greeting nodes, newest last',
            query: z.object({ to: z.string().min(1).optional() }),
            responses: { 200: z.object({ greetings: z.array(GreetingRecordSchema.omit({ key: true })) }) },
            async handle({ query }) {
              const all = await log.list();
              return { greetings: all.filter((g) => !query.to || g.to === query.to).map(({ key: _key, ...rest }) => rest) };
            },
          },
        ],
      }),
      [GreetingLog],
    );
  },
};
