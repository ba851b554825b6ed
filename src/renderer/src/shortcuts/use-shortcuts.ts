// Listens for the shortcuts of keymap.ts on the window while the component
// using it is mounted; helpOpen is the "?" list's state.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'
import { actionOf, G_PREFIX_MS, type ShortcutAction } from './keymap.ts'

const SEARCH_SELECTOR = 'input[type="search"]'
/** frames to wait for the History view's search field after switching to it */
const SEARCH_WAIT_FRAMES = 30

function focusSearch(): void {
  const here = document.querySelector<HTMLInputElement>(SEARCH_SELECTOR)
  if (here) return void here.focus()
  // this view has none: History has the runs' search
  location.hash = '#/history'
  let frames = 0
  const poll = () => {
    const field = document.querySelector<HTMLInputElement>(SEARCH_SELECTOR)
    if (field) field.focus()
    else if (++frames < SEARCH_WAIT_FRAMES) requestAnimationFrame(poll)
  }
  requestAnimationFrame(poll)
}

export function useShortcuts(): { helpOpen: Ref<boolean> } {
  const helpOpen = ref(false)
  let gAt = -Infinity

  function run(action: ShortcutAction): void {
    if (action.kind === 'help') helpOpen.value = !helpOpen.value
    else if (action.kind === 'close') helpOpen.value = false
    else {
      helpOpen.value = false
      if (action.kind === 'view') location.hash = action.hash
      else focusSearch()
    }
  }

  function onKey(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.repeat) return
    const result = actionOf(event, performance.now() - gAt < G_PREFIX_MS)
    gAt = result.gPending ? performance.now() : -Infinity
    if (!result.action) return
    if (result.action.kind === 'close' && !helpOpen.value) return // Escape stays the page's
    event.preventDefault() // "/" would otherwise start the browser's quick find
    run(result.action)
  }

  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
  return { helpOpen }
}
