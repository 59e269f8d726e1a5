import { useState } from 'react';
import { useOperator } from '../sdk/index';

/** Shows who the GUI acts as (sent as x-orch-operator) and lets the person change it. */
export function OperatorControl() {
  const [operator, setOperator] = useOperator();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(operator);
  if (!editing) {
    return (
      <button
        className="btn btn-sm btn-ghost font-normal"
        title="Who decisions and runs are recorded as (x-orch-operator)"
        data-testid="operator"
        onClick={() => {
          setDraft(operator);
          setEditing(true);
        }}
      >
        <span className="opacity-60">Operator</span> <span className="font-semibold">{operator || 'server default'}</span>
      </button>
    );
  }
  return (
    <form
      className="join"
      onSubmit={(event) => {
        event.preventDefault();
        setOperator(draft);
        setEditing(false);
      }}
    >
      <input
        className="input input-sm join-item w-40"
        autoFocus
        maxLength={128}
        placeholder="your name"
        aria-label="Operator name"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => event.key === 'Escape' && setEditing(false)}
        data-testid="operator-input"
      />
      <button className="btn btn-sm btn-primary join-item" type="submit">
        Save
      </button>
    </form>
  );
}
