/** Contribution point: a GUI panel. The GUI asks the server for panels and loads their modules. */
export interface UiPanel {
  readonly id: string;
  readonly title: string;
  readonly pluginId: string;
  /** Where in the shell it shows. */
  readonly slot: 'main' | 'sidebar' | 'status';
  readonly order: number;
  /** URL path (served by the server) of the panel's browser module, when it has one. */
  readonly moduleUrl?: string;
}
export const UiPanel = Symbol.for('orch.UiPanel');
