// IntOrString arithmetic as apimachinery's GetScaledValueFromIntOrPercent(v, total, roundUp=true).
import type { IntOrString } from './types.js';

/** Whether the value is a percentage string such as "50%". */
export function isPercent(value: IntOrString | undefined): value is string {
  return typeof value === 'string' && /^\d+(\.\d+)?%$/.test(value.trim());
}

/**
 * Scales an int-or-percent against a total, rounding percentages up.
 * Throws on a string that is not a percentage (upstream: "invalid type: string is not a percentage").
 */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp = true): number {
  if (value === undefined || value === null) throw new Error('nil value for IntOrString');
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!isPercent(text)) throw new Error(`invalid value "${value}": string is not a percentage`);
  const pct = Number(text.slice(0, -1));
  const exact = (pct * total) / 100;
  // Guard against float noise such as 0.29 * 100 = 28.999999999999996.
  const rounded = Math.round(exact * 1e9) / 1e9;
  return roundUp ? Math.ceil(rounded) : Math.floor(rounded);
}
