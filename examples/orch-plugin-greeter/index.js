// A third-party Orch plugin in plain JavaScript. Orch's service tokens are global symbols
// (`Symbol.for('orch.<Name>')`), so a package needs nothing from Orch at run time; `zod` is a peer.
import { z } from 'zod';

const CliCommand = Symbol.for('orch.CliCommand');
const NodeAdapter = Symbol.for('orch.NodeAdapter');
const Logger = Symbol.for('orch.Logger');

function greeting(name, shout) {
  const text = `Hello, ${name}!`;
  return shout ? text.toUpperCase() : text;
}

export default {
  bindings({ bind }) {
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
  },
};
