import type { z } from 'zod';

/** Every event type the loaded plugins contributed, with its wire schema. A core service. */
export interface EventCatalog {
  types(): string[];
  topics(): string[];
  has(type: string): boolean;
  /** The wire schema (payload + `type`, `seq`, `time`) of a contributed type. */
  schemaOf(type: string): z.ZodObject | undefined;
}
export const EventCatalog = Symbol.for('orch.EventCatalog');
