// Which cells of a results row hold its best value: the highest top-1, the
// shortest train time. Values equal at the precision the table shows tie, and
// every tied cell is marked; a row with fewer than two values marks none, since
// one number is not better than anything.
import type { TableRow } from './table-rows.ts'

export function bestColumns(row: Pick<TableRow, 'values' | 'better' | 'digits'>): number[] {
  if (!row.values || !row.better) return []
  const scale = 10 ** (row.digits ?? 0)
  const shown = row.values.map((value) => (value === null || !Number.isFinite(value) ? null : Math.round(value * scale)))
  const present = shown.filter((value): value is number => value !== null)
  if (present.length < 2) return []
  const best = row.better === 'higher' ? Math.max(...present) : Math.min(...present)
  return shown.flatMap((value, column) => (value === best ? [column] : []))
}
