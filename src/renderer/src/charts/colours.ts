// One fixed colour per variant on every chart and table, so "blue" always
// means FixMatch; seeds of a variant get lighter shades and their own dashes.
import type { Variant } from '../../../shared/config.ts'
import { METHOD_DESCRIPTORS } from '../../../shared/methods/index.ts'

/** Each method's colour, as its descriptor in the registry gives it. */
export const VARIANT_COLOURS: Readonly<Record<Variant, string>> = Object.fromEntries(
  METHOD_DESCRIPTORS.map((method) => [method.name, method.colour])
) as Record<Variant, string>

const SEED_DASHES: readonly (readonly number[])[] = [[], [6, 4], [2, 3], [10, 3, 2, 3]]

export interface LineStyle {
  colour: string
  dash: number[]
}

/** The style of the seedIndex-th seed of a variant: the first seed is the variant's own colour, solid. */
export function seedStyle(variant: Variant, seedIndex: number): LineStyle {
  const index = Math.max(0, Math.floor(seedIndex))
  // lighten in steps, but never so far that the hue is lost on a white page
  const amount = Math.min(0.55, index * 0.18)
  return { colour: lighten(VARIANT_COLOURS[variant], amount), dash: [...SEED_DASHES[index % SEED_DASHES.length]!] }
}

/** Mixes a #rrggbb colour with white; amount 0 keeps it, 1 is white. */
export function lighten(hex: string, amount: number): string {
  const value = parseInt(hex.slice(1), 16)
  const channels = [(value >> 16) & 255, (value >> 8) & 255, value & 255]
  const mixed = channels.map((c) => Math.round(c + (255 - c) * amount))
  return `#${mixed.map((c) => c.toString(16).padStart(2, '0')).join('')}`
}

/** A #rrggbb colour as #rrggbbaa with the given opacity in [0, 1]. */
export function withAlpha(hex: string, alpha: number): string {
  const a = Math.round(Math.min(Math.max(alpha, 0), 1) * 255)
  return `${hex.slice(0, 7)}${a.toString(16).padStart(2, '0')}`
}

/** For each run, the index of its seed among the seeds of its variant (sorted), so a seed keeps its style across charts. */
export function seedIndexes(runs: readonly { id: number; variant: Variant; seed: number }[]): Map<number, number> {
  const seedsByVariant = new Map<Variant, number[]>()
  for (const run of runs) {
    const seeds = seedsByVariant.get(run.variant) ?? []
    if (!seeds.includes(run.seed)) seeds.push(run.seed)
    seedsByVariant.set(run.variant, seeds)
  }
  for (const seeds of seedsByVariant.values()) seeds.sort((a, b) => a - b)
  return new Map(runs.map((run) => [run.id, seedsByVariant.get(run.variant)!.indexOf(run.seed)]))
}

/** For comparing chosen runs: each run its own shade within its variant (by seed, then id), so two runs of one seed differ. */
export function runShades(runs: readonly { id: number; variant: Variant; seed: number }[]): Map<number, number> {
  const ordered = [...runs].sort((a, b) => a.seed - b.seed || a.id - b.id)
  const counts = new Map<Variant, number>()
  return new Map(
    ordered.map((run) => {
      const index = counts.get(run.variant) ?? 0
      counts.set(run.variant, index + 1)
      return [run.id, index]
    })
  )
}
