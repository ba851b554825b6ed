// The app's keyboard shortcuts: which key does what, and when a key is not
// ours (typed into a field, or held with Ctrl/Alt/Meta for the browser).
// Views are switched by the address (location.hash), which the router follows.

export type ShortcutAction = { kind: 'view'; hash: string } | { kind: 'search' } | { kind: 'help' } | { kind: 'close' }

export interface Shortcut {
  /** the keys as the help lists them */
  keys: string[]
  does: string
}

/** The views in the tabs' order: digit and "g" + letter for each. */
const VIEWS: { name: string; title: string; letter: string }[] = [
  { name: 'experiment', title: 'Experiment', letter: 'e' },
  { name: 'live', title: 'Live', letter: 'l' },
  { name: 'results', title: 'Results', letter: 'r' },
  { name: 'queue', title: 'Queue', letter: 'q' },
  { name: 'history', title: 'History', letter: 'h' },
  { name: 'datasets', title: 'Datasets', letter: 'd' }
]

export const SHORTCUTS: readonly Shortcut[] = [
  ...VIEWS.map((view, i) => ({ keys: [String(i + 1), `g ${view.letter}`], does: `${view.title} view` })),
  { keys: ['/'], does: 'search the runs (History)' },
  { keys: ['?'], does: 'this list' },
  { keys: ['Esc'], does: 'close this list' }
]

/** How long after "g" its letter still counts, in ms. */
export const G_PREFIX_MS = 1500

/** Keys into a text field, a select or an editable element are the user's, never a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false
  const element = target as HTMLElement
  if (element.isContentEditable) return true
  const field = element.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')
  if (!field) return false
  // a checkbox or button-like input takes no text
  return !(field instanceof HTMLInputElement) || !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(field.type)
}

export interface KeyInput {
  key: string
  ctrlKey?: boolean
  altKey?: boolean
  metaKey?: boolean
  target?: EventTarget | null
}

/**
 * The action of one key press, and whether a "g" now waits for its letter.
 * gPending: a "g" was pressed less than G_PREFIX_MS ago.
 */
export function actionOf(event: KeyInput, gPending: boolean): { action?: ShortcutAction; gPending: boolean } {
  if (event.ctrlKey || event.altKey || event.metaKey || isTypingTarget(event.target ?? null)) return { gPending: false }
  if (event.key === 'Escape') return { action: { kind: 'close' }, gPending: false }
  if (gPending) {
    const view = VIEWS.find((v) => v.letter === event.key)
    return view ? { action: { kind: 'view', hash: `#/${view.name}` }, gPending: false } : { gPending: false }
  }
  if (event.key === 'g') return { gPending: true }
  if (event.key === '/') return { action: { kind: 'search' }, gPending: false }
  if (event.key === '?') return { action: { kind: 'help' }, gPending: false }
  const digit = /^[1-9]$/.test(event.key) ? VIEWS[Number(event.key) - 1] : undefined
  return digit ? { action: { kind: 'view', hash: `#/${digit.name}` }, gPending: false } : { gPending: false }
}
