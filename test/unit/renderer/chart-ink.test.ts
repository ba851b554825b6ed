// @vitest-environment happy-dom
// The charts' background, grid and text colours come from the page's tokens, so they follow the colour scheme.
import { describe, expect, it } from 'vitest'
import { chartInk } from '../../../src/renderer/src/charts/ink.ts'

describe('chart ink', () => {
  it("reads the page's chart tokens, the light values where the page has none", () => {
    expect(chartInk()).toEqual({ background: '#fff', grid: '#eef0f3', text: '#6b7280', legend: '#4b5563' })
    document.documentElement.style.setProperty('--chart-grid', '#123456')
    document.documentElement.style.setProperty('--chart-text', '#abcdef')
    // behind the plot (and in a downloaded PNG): the panels' surface colour
    document.documentElement.style.setProperty('--surface', '#171b21')
    expect(chartInk()).toMatchObject({ background: '#171b21', grid: '#123456', text: '#abcdef' })
  })
})
