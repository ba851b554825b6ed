// @vitest-environment happy-dom
// The keyboard shortcuts: digits and "g" + letter switch views through the address,
// "/" focuses the search, "?" lists them; none fires while typing in a field.
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { actionOf, isTypingTarget, SHORTCUTS } from '../../../src/renderer/src/shortcuts/keymap.ts'
import KeyboardShortcuts from '../../../src/renderer/src/components/KeyboardShortcuts.vue'
import { settle } from './fake-lab.ts'

function press(key: string, target: EventTarget = window, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init })
  target.dispatchEvent(event)
  return event
}

describe('keymap', () => {
  it('maps digits and g + letter to the views in tab order, and nothing else', () => {
    expect(actionOf({ key: '1' }, false).action).toEqual({ kind: 'view', hash: '#/experiment' })
    expect(actionOf({ key: '5' }, false).action).toEqual({ kind: 'view', hash: '#/history' })
    expect(actionOf({ key: 'g' }, false)).toEqual({ gPending: true })
    expect(actionOf({ key: 'q' }, true).action).toEqual({ kind: 'view', hash: '#/queue' })
    expect(actionOf({ key: 'q' }, false).action).toBeUndefined()
    expect(actionOf({ key: 'x' }, true)).toEqual({ gPending: false })
    expect(actionOf({ key: '9' }, false).action).toBeUndefined()
    // held with a modifier the key is the browser's (Ctrl-1 switches tabs)
    expect(actionOf({ key: '1', ctrlKey: true }, false).action).toBeUndefined()
    expect(actionOf({ key: '/', metaKey: true }, false).action).toBeUndefined()
  })

  it('treats text fields, selects and editable elements as typing, a checkbox or button not', () => {
    const make = (html: string) => {
      const holder = document.createElement('div')
      holder.innerHTML = html
      return holder.firstElementChild!
    }
    expect(isTypingTarget(make('<input type="text">'))).toBe(true)
    expect(isTypingTarget(make('<input type="search">'))).toBe(true)
    expect(isTypingTarget(make('<textarea></textarea>'))).toBe(true)
    expect(isTypingTarget(make('<select></select>'))).toBe(true)
    expect(isTypingTarget(make('<input type="checkbox">'))).toBe(false)
    expect(isTypingTarget(make('<button>go</button>'))).toBe(false)
    expect(actionOf({ key: '2', target: make('<input type="text">') }, false).action).toBeUndefined()
  })
})

describe('KeyboardShortcuts', () => {
  beforeEach(() => {
    location.hash = '#/live'
    document.body.innerHTML = ''
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('switches views by the address, ignores keys typed into a field', async () => {
    const wrapper = mount(KeyboardShortcuts, { attachTo: document.body })
    press('3')
    expect(location.hash).toBe('#/results')
    press('g')
    press('h')
    expect(location.hash).toBe('#/history')
    const field = document.createElement('input')
    field.type = 'text'
    document.body.append(field)
    const typed = press('1', field)
    expect(location.hash).toBe('#/history')
    expect(typed.defaultPrevented).toBe(false)
    wrapper.unmount()
    press('2')
    expect(location.hash).toBe('#/history') // no listener left behind
  })

  it('"/" focuses the search field and is not typed into it', async () => {
    const search = document.createElement('input')
    search.type = 'search'
    document.body.append(search)
    const wrapper = mount(KeyboardShortcuts, { attachTo: document.body })
    const slash = press('/')
    expect(slash.defaultPrevented).toBe(true)
    expect(document.activeElement).toBe(search)
    wrapper.unmount()
  })

  it('"?" lists every shortcut; Escape closes the list', async () => {
    const wrapper = mount(KeyboardShortcuts, { attachTo: document.body })
    expect(wrapper.find('[data-testid="shortcuts-help"]').exists()).toBe(false)
    press('?', window, { shiftKey: true })
    await settle()
    const help = wrapper.get('[data-testid="shortcuts-help"]')
    for (const shortcut of SHORTCUTS) expect(help.text()).toContain(shortcut.does)
    expect(help.findAll('kbd').map((k) => k.text())).toEqual(expect.arrayContaining(['1', 'g', 'e', '/', '?']))
    press('Escape')
    await settle()
    expect(wrapper.find('[data-testid="shortcuts-help"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
