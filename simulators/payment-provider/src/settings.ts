import { z } from 'zod';

/**
 * The fault controls tests and the soak switch at run time (POST /_simulator/settings): webhook
 * chaos, the next N operations failing with a 5xx (nothing done), the next N operations done but
 * their answers lost (held, then the connection destroyed — what the unknown-outcome card does).
 */
export const settingsChangeSchema = z
  .object({
    webhookChaos: z.boolean().optional(),
    failNext: z.object({ status: z.number().int().min(500).max(599).default(503), count: z.number().int().min(0).max(1000) }).optional(),
    hangNext: z.object({ count: z.number().int().min(0).max(1000) }).optional(),
  })
  .strict();
export type SettingsChange = z.infer<typeof settingsChangeSchema>;

export interface SimulatorSettings {
  webhookChaos: boolean;
  failNext: { status: number; count: number };
  hangNext: { count: number };
}

export function createSettings(webhookChaos: boolean): SimulatorSettings {
  return { webhookChaos, failNext: { status: 503, count: 0 }, hangNext: { count: 0 } };
}

export function changeSettings(settings: SimulatorSettings, change: SettingsChange): void {
  if (change.webhookChaos !== undefined) settings.webhookChaos = change.webhookChaos;
  if (change.failNext) settings.failNext = { ...change.failNext };
  if (change.hangNext) settings.hangNext = { ...change.hangNext };
}

/** Takes one of the next-N budget: true when this operation is to fail (or hang). */
export function takeOne(budget: { count: number }): boolean {
  if (budget.count <= 0) return false;
  budget.count -= 1;
  return true;
}
