import type { WaveDecision } from '../../incidents/incident-details';
import type { RuleSettings } from './rule-settings';

export interface WaveFacts {
  patchId: string;
  /** Devices (with their client) whose open or recent incident suspects this patch first. */
  hurt: { deviceId: string; clientId: string | null }[];
}

export type { WaveDecision };

/** The same KB hurting several devices within the wave period becomes one parent incident. */
export function detectWave(facts: WaveFacts, rules: RuleSettings): WaveDecision | null {
  const devices = new Set(facts.hurt.map((h) => h.deviceId));
  if (devices.size < rules.waveMinDevices) return null;
  const clients = new Set(facts.hurt.map((h) => h.clientId ?? 'none'));
  return {
    patchId: facts.patchId,
    devices: devices.size,
    clients: clients.size,
    recommendation: `Pause the rollout of ${facts.patchId}: it hurt ${devices.size} devices across ${clients.size} client${clients.size === 1 ? '' : 's'} within ${rules.waveHours} h.`,
  };
}
