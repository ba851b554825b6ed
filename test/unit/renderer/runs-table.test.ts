import { describe, expect, it } from 'vitest'
import type { ExperimentRecord } from '../../../src/shared/api.ts'
import { resolveConfig } from '../../../src/shared/config.ts'
import { BASE_COLUMNS, cellText, experimentNames, findColumn, sortRuns, tableColumns } from '../../../src/renderer/src/history/columns.ts'
import { runsCsv } from '../../../src/shared/results/runs-csv.ts'
import { ExpressionError, matchesExpression, parseExpression } from '../../../src/renderer/src/history/expression.ts'
import { makeRun } from './fake-lab.ts'

const experiments: ExperimentRecord[] = [
  { id: 1, name: 'CIFAR-10 at 40 labels', description: '', createdAt: '2025-11-20T10:00:00Z', preset: null, runIds: [1, 2] }
]
const results = (final: number, best: number, median: number) => ({ final, best, medianLast20: { value: median, n: 20 } })
const runs = [
  makeRun({ id: 1, variant: 'O', seed: 1, tags: ['baseline'], results: results(81, 84, 82), config: resolveConfig({ variant: 'O', seed: 1, lr: 0.03 }) }),
  makeRun({ id: 2, variant: 'U', seed: 2, tags: ['night 1'], results: results(79.5, 86, 80), config: resolveConfig({ variant: 'U', seed: 2, lr: 0.01 }) }),
  makeRun({
    id: 3,
    variant: 'O',
    seed: 3,
    status: 'queued',
    step: 0,
    results: null,
    experimentId: null,
    config: resolveConfig({ variant: 'O', seed: 3, lr: 0.03 })
  })
]
const names = experimentNames(experiments)
const ids = (text: string) => runs.filter((run) => matchesExpression(run, parseExpression(text), names)).map((run) => run.id)

describe('filter expressions', () => {
  it('compares config keys and results as numbers, text case-insensitively, and combines clauses', () => {
    expect(ids('')).toEqual([1, 2, 3])
    expect(ids('lr = 0.03')).toEqual([1, 3])
    expect(ids('lr=0.03')).toEqual([1, 3])
    expect(ids('top1 > 80')).toEqual([1])
    expect(ids('best >= 86')).toEqual([2])
    expect(ids('median20 < 81')).toEqual([2])
    expect(ids('variant = o')).toEqual([1, 3])
    expect(ids('variant != O')).toEqual([2])
    expect(ids('status = queued')).toEqual([3])
    // comma, "and", && or a plain space between whole clauses: all must hold
    expect(ids('lr = 0.03, variant = O, top1 > 80')).toEqual([1])
    expect(ids('lr = 0.03 and seed >= 3')).toEqual([3])
    expect(ids('lr = 0.03 && seed >= 3')).toEqual([3])
    expect(ids('lr = 0.03 seed < 3')).toEqual([1])
    expect(ids('experiment = "CIFAR-10 at 40 labels"')).toEqual([1, 2])
  })

  it('reads tags as tag:NAME, quoted with spaces, negated with !, or tag = NAME', () => {
    expect(ids('tag:baseline')).toEqual([1])
    expect(ids('tag:"night 1"')).toEqual([2])
    expect(ids('!tag:baseline')).toEqual([2, 3])
    expect(ids('tag = BASELINE')).toEqual([1])
    expect(ids('tag != baseline, variant = O')).toEqual([3])
  })

  it('a run without a value fails a comparison and passes !=', () => {
    expect(ids('top1 < 100')).toEqual([1, 2])
    expect(ids('top1 != 81')).toEqual([2, 3])
  })

  it('says what is wrong with a bad expression', () => {
    const message = (text: string) => {
      try {
        parseExpression(text)
      } catch (e) {
        expect(e).toBeInstanceOf(ExpressionError)
        return (e as Error).message
      }
      throw new Error(`"${text}" parsed`)
    }
    expect(message('lrr = 0.03')).toMatch(/Unknown field “lrr”: use id, status, variant, .* or a config key such as lr/)
    expect(message('top1 > high')).toBe('top1 > high: > compares numbers, and “high” is not a number.')
    expect(message('top1')).toMatch(/“top1” needs an operator and a value after it/)
    expect(message('top1 >')).toBe('“top1 >” needs a value after it.')
    expect(message('> 80')).toMatch(/needs a field before it/)
    expect(message('tag:')).toMatch(/tag: needs a tag name/)
    expect(message('tag > 3')).toBe('tags compare with = or != only, not >.')
    expect(message('experiment = "CIFAR')).toMatch(/quote at character 14 is not closed/)
  })
})

describe('runs table columns', () => {
  it('has the fixed columns and adds chosen config keys, dropping unknown ones', () => {
    expect(BASE_COLUMNS.map((c) => c.key)).toEqual([
      'id',
      'status',
      'variant',
      'seed',
      'experiment',
      'dataset',
      'labels',
      'steps',
      'top1',
      'best',
      'median20',
      'time'
    ])
    const columns = tableColumns(['lr', 'no-such-key', 'threshold'])
    expect(columns.slice(-2).map((c) => c.key)).toEqual(['lr', 'threshold'])
    expect(columns.at(-2)!.value(runs[1]!, names)).toBe(0.01)
  })

  it('shows results with two decimals, "-" where nothing is recorded, and train time as a duration', () => {
    const top1 = findColumn('top1')!
    expect(cellText(top1, top1.value(runs[1]!, names))).toBe('79.50')
    expect(cellText(top1, top1.value(runs[2]!, names))).toBe('-')
    const time = findColumn('time')!
    expect(cellText(time, time.value(runs[0]!, names))).toBe('1h 0m')
    // a service older than the results field: final and best from the summary, no median
    const old = makeRun({ summary: { 'eval/top1': { last: 70, lastStep: 10, best: 75, min: 0, max: 75 } } })
    expect([findColumn('top1')!.value(old, names), findColumn('best')!.value(old, names), findColumn('median20')!.value(old, names)]).toEqual([70, 75, null])
  })

  it('sorts numbers as numbers, text as text, in both directions, missing values last', () => {
    const order = (key: string, direction: 'asc' | 'desc') => sortRuns(runs, findColumn(key)!, direction, experiments).map((r) => r.id)
    expect(order('top1', 'desc')).toEqual([1, 2, 3])
    expect(order('top1', 'asc')).toEqual([2, 1, 3])
    expect(order('variant', 'desc')).toEqual([2, 1, 3])
    expect(order('lr', 'asc')).toEqual([2, 1, 3])
    expect(order('experiment', 'asc')).toEqual([1, 2, 3])
  })
})

describe('runsCsv', () => {
  it('writes every statistic as a plain number, empty where none is recorded', () => {
    const lines = runsCsv(runs).trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'run_id,experiment_id,status,variant,seed,dataset,labels_per_class,step,total_steps,top1_final,top1_best,top1_median20,median20_n,train_seconds,tags'
    )
    expect(lines[1]).toBe('1,1,finished,O,1,mnist,4,1000,1000,81,84,82,20,3600,baseline')
    expect(lines[2]).toBe('2,1,finished,U,2,mnist,4,1000,1000,79.5,86,80,20,3600,night 1')
    expect(lines[3]).toBe('3,,queued,O,3,mnist,4,0,1000,,,,0,3600,')
  })
})
