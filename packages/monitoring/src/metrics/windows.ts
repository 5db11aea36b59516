/** Window sizes of the metric tables, aligned to UTC epoch multiples (a 1d window is a UTC day). */
export const WINDOW_SIZES = ['5m', '1h', '1d'] as const;
export type WindowSize = (typeof WINDOW_SIZES)[number];

export const WINDOW_MS: Record<WindowSize, number> = { '5m': 300_000, '1h': 3_600_000, '1d': 86_400_000 };

/** Start (epoch ms) of the `size` window holding `ms`. */
export function windowStartMs(ms: number, size: WindowSize): number {
  return Math.floor(ms / WINDOW_MS[size]) * WINDOW_MS[size];
}

/** ISO text of an epoch time, as stored (`ts` and window starts compare as text on both backends). */
export const isoOf = (ms: number): string => new Date(ms).toISOString();
