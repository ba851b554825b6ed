// The Datasets view's address: `#/datasets?preset=NAME&config=JSON`, so the
// editor can open the preview of the config being edited (and a reload keeps it).
export interface DatasetsQuery {
  preset: string | null
  config: Record<string, unknown>
}

export function datasetsLink(query: DatasetsQuery): string {
  const params = new URLSearchParams()
  if (query.preset) params.set('preset', query.preset)
  if (Object.keys(query.config).length > 0) params.set('config', JSON.stringify(query.config))
  const text = params.toString()
  return `#/datasets${text ? `?${text}` : ''}`
}

/** The query of a `#/datasets?...` hash; a config that is not a JSON object is left out. */
export function parseDatasetsQuery(hash: string): DatasetsQuery {
  const at = hash.indexOf('?')
  const params = new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '')
  let config: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(params.get('config') ?? '{}')
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) config = parsed as Record<string, unknown>
  } catch {
    // a hand-edited address: the view's defaults
  }
  return { preset: params.get('preset') || null, config }
}

/** The keys of `config` that differ from `base`: what an address needs beside the preset. */
export function changedFrom(base: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key, value]) => JSON.stringify(base[key]) !== JSON.stringify(value)))
}
