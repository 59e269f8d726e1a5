// The greeter's GUI panel. Built as an ES module library by ../vite.config.mjs; react,
// react/jsx-runtime and @orch/gui-sdk stay external, so the browser resolves them through the
// shell's import map to the shell's own instances (one React, the shell's SDK and theme).
import { useState } from 'react';
import { useApi, useEvents, useSnapshot } from '@orch/gui-sdk';

/** Every greeting sent by `greeting` nodes, refreshed live on `greeting.sent`. */
function GreetingsPanel() {
  const { data, error, loading } = useApi('/api/greeter/greetings', { refreshOn: 'greeting' });
  const snapshot = useSnapshot();
  const [latest, setLatest] = useState(null);
  useEvents('greeting.sent', (event) => setLatest(event));
  const greetings = data?.greetings ?? [];
  const sent = snapshot?.greetings?.sent ?? greetings.length;
  return (
    <section className="flex flex-col gap-4 p-4" data-testid="greetings-panel">
      <header className="flex items-baseline gap-3">
        <h1 className="text-xl font-semibold">Greetings</h1>
        <span className="badge badge-neutral">{sent} sent</span>
        {latest ? <span className="text-sm opacity-70">just now: {latest.text}</span> : null}
      </header>
      {error ? <div className="alert alert-error">{error.message}</div> : null}
      {loading && greetings.length === 0 ? <span className="loading loading-spinner" /> : null}
      {!loading && greetings.length === 0 ? (
        <p className="opacity-70">
          No greetings yet. Run a plan with a node such as <code>{'{ "id": "hi", "type": "greeting", "to": "Ada" }'}</code>.
        </p>
      ) : null}
      {greetings.length > 0 ? (
        <table className="table table-sm">
          <thead>
            <tr>
              <th>When</th>
              <th>To</th>
              <th>Greeting</th>
              <th>Run</th>
            </tr>
          </thead>
          <tbody>
            {[...greetings].reverse().map((g) => (
              <tr key={`${g.runId}:${g.nodeId}:${g.at}`}>
                <td>{new Date(g.at).toLocaleString()}</td>
                <td>{g.to}</td>
                <td>{g.text}</td>
                <td>
                  <a className="link" href={`/runs/${encodeURIComponent(g.runId)}`}>
                    {g.runId}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** Panel id (as in the manifest's contributes.gui.panels) → component. */
export default { greetings: GreetingsPanel };
