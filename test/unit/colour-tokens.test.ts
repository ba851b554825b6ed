// Dark mode rests on one set of colour tokens in App.vue: every colour in a
// component's <style> is a token, and App.vue gives every token a light and a
// dark value (the charts' own colours: renderer/chart-ink.test.ts).
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const RENDERER = path.resolve(import.meta.dirname, '../../src/renderer/src')
const vueFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? vueFiles(full) : entry.name.endsWith('.vue') ? [full] : []
  })
const styles = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join('\n')
const COLOUR = /#[0-9a-fA-F]{3,8}\b|rgba?\(/

const app = fs.readFileSync(path.join(RENDERER, 'App.vue'), 'utf8')
/** The token definitions: App.vue's first :root block (light) and the one inside the dark media query. */
function definedIn(block: RegExp): Set<string> {
  const body = block.exec(app)?.[1] ?? ''
  return new Set([...body.matchAll(/(--[a-z0-9-]+)\s*:/g)].map((m) => m[1]!))
}
const light = definedIn(/:root\s*{([^}]*)}/)
const dark = definedIn(/@media \(prefers-color-scheme: dark\)\s*{\s*:root\s*{([^}]*)}/)

describe('colour tokens', () => {
  it('defines each token for both schemes', () => {
    expect(light.size).toBeGreaterThan(20)
    expect([...light].filter((t) => !dark.has(t))).toEqual([])
    expect([...dark].filter((t) => !light.has(t))).toEqual([])
  })

  it('leaves no hard-coded colour in a component style, and uses only defined tokens', () => {
    const literals: string[] = []
    const undefinedTokens: string[] = []
    for (const file of vueFiles(RENDERER)) {
      const css = styles(file)
      // App.vue's token blocks are where the colours live
      const rules = file.endsWith('App.vue') ? css.replace(/:root\s*{[^}]*}/g, '') : css
      rules.split('\n').forEach((line, i) => {
        if (COLOUR.test(line)) literals.push(`${path.relative(RENDERER, file)}:${i + 1}: ${line.trim()}`)
      })
      for (const [, token] of css.matchAll(/var\((--[a-z0-9-]+)\)/g)) {
        // a component's own property (set in its style or its template's :style) is its to define
        const own = css.includes(`${token}:`) || fs.readFileSync(file, 'utf8').includes(`'${token}'`)
        if (!light.has(token!) && !own) undefinedTokens.push(`${path.relative(RENDERER, file)}: ${token}`)
      }
    }
    expect(literals).toEqual([])
    expect(undefinedTokens).toEqual([])
  })
})
