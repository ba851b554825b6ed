// The runs table's filter expressions: `lr = 0.03, top1 > 80, variant = O, tag:baseline`.
// Clauses are separated by commas, "and" or just a space after a whole clause, and must
// all hold. A field is a column key (history/columns.ts) or any config key; tags read
// `tag:NAME` (quoted when it has spaces) and `!tag:NAME` for runs without it.
import type { RunRecord } from '../../../shared/api.ts'
import { BASE_COLUMNS, findColumn, type CellValue, type RunColumn } from './columns.ts'

export type Operator = '=' | '!=' | '>' | '>=' | '<' | '<='

export type Clause = { kind: 'tag'; tag: string; negated: boolean } | { kind: 'compare'; column: RunColumn; operator: Operator; value: string }

export class ExpressionError extends Error {}

/** quotedAt: where in the word a quoted part begins (-1 for none), so that a quoted "tag:x" stays text */
type Token = { kind: 'word' | 'operator' | 'separator'; text: string; quotedAt?: number }

const OPERATORS: readonly Operator[] = ['>=', '<=', '!=', '=', '>', '<']

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const char = text[i]!
    if (/\s/.test(char)) {
      i++
    } else if (char === ',' || text.startsWith('&&', i)) {
      tokens.push({ kind: 'separator', text: char === ',' ? ',' : '&&' })
      i += char === ',' ? 1 : 2
    } else if (OPERATORS.some((op) => text.startsWith(op, i)) || text.startsWith('==', i)) {
      const op = text.startsWith('==', i) ? '==' : OPERATORS.find((o) => text.startsWith(o, i))!
      tokens.push({ kind: 'operator', text: op === '==' ? '=' : op })
      i += op.length
    } else {
      // a word runs to a space, comma or operator; a quoted part keeps them ("night 1")
      let word = ''
      let quotedAt = -1
      while (i < text.length && !/[\s,=<>]/.test(text[i]!) && !text.startsWith('!=', i)) {
        if (text[i] === '"') {
          const end = text.indexOf('"', i + 1)
          if (end < 0) throw new ExpressionError(`The quote at character ${i + 1} is not closed: add a closing ".`)
          if (quotedAt < 0) quotedAt = word.length
          word += text.slice(i + 1, end)
          i = end + 1
        } else {
          word += text[i]
          i++
        }
      }
      if (quotedAt < 0 && word.toLowerCase() === 'and') tokens.push({ kind: 'separator', text: 'and' })
      else tokens.push({ kind: 'word', text: word, quotedAt })
    }
  }
  return tokens
}

const FIELDS_HINT = `${BASE_COLUMNS.map((c) => c.key).join(', ')}, tag, or a config key such as lr`

/** The clauses of an expression (none for an empty one); throws an ExpressionError saying what is wrong. */
export function parseExpression(text: string): Clause[] {
  const tokens = tokenize(text)
  const clauses: Clause[] = []
  let i = 0
  while (i < tokens.length) {
    const token = tokens[i]!
    if (token.kind === 'separator') {
      i++
      continue
    }
    if (token.kind === 'operator') throw new ExpressionError(`“${token.text}” needs a field before it, e.g. top1 ${token.text} 80.`)
    const tag = /^(!?)tag:(.*)$/i.exec(token.text)
    if (tag && (token.quotedAt! < 0 || token.quotedAt! >= tag[1]!.length + 4)) {
      if (!tag[2]) throw new ExpressionError('tag: needs a tag name after it, e.g. tag:baseline (quote one with spaces: tag:"night 1").')
      clauses.push({ kind: 'tag', tag: tag[2], negated: tag[1] === '!' })
      i++
      continue
    }
    const operator = tokens[i + 1]
    const value = tokens[i + 2]
    if (!operator || operator.kind !== 'operator') {
      throw new ExpressionError(`“${token.text}” needs an operator and a value after it, e.g. ${token.text} = … (operators: = != > >= < <=).`)
    }
    if (!value || value.kind !== 'word') throw new ExpressionError(`“${token.text} ${operator.text}” needs a value after it.`)
    const op = operator.text as Operator
    if (token.text.toLowerCase() === 'tag' || token.text.toLowerCase() === 'tags') {
      if (op !== '=' && op !== '!=') throw new ExpressionError(`tags compare with = or != only, not ${op}.`)
      clauses.push({ kind: 'tag', tag: value.text, negated: op === '!=' })
    } else {
      const column = findColumn(token.text)
      if (!column) throw new ExpressionError(`Unknown field “${token.text}”: use ${FIELDS_HINT}.`)
      if (op !== '=' && op !== '!=' && !isNumber(value.text)) {
        throw new ExpressionError(`${token.text} ${op} ${value.text}: ${op} compares numbers, and “${value.text}” is not a number.`)
      }
      clauses.push({ kind: 'compare', column, operator: op, value: value.text })
    }
    i += 3
  }
  return clauses
}

const isNumber = (text: string) => text.trim() !== '' && Number.isFinite(Number(text))

function holds(value: CellValue, operator: Operator, wanted: string): boolean {
  if (value === null) return operator === '!='
  if (typeof value === 'number' && isNumber(wanted)) {
    const n = Number(wanted)
    if (operator === '=') return value === n
    if (operator === '!=') return value !== n
    if (operator === '>') return value > n
    if (operator === '>=') return value >= n
    if (operator === '<') return value < n
    return value <= n
  }
  // text (and booleans) compare case-insensitively, and only for (in)equality
  const same = String(value).toLowerCase() === wanted.toLowerCase()
  if (operator === '=') return same
  if (operator === '!=') return !same
  return false
}

/** Whether the run passes every clause. */
export function matchesExpression(run: RunRecord, clauses: readonly Clause[], experiments: ReadonlyMap<number, string>): boolean {
  return clauses.every((clause) =>
    clause.kind === 'tag'
      ? run.tags.some((tag) => tag.toLowerCase() === clause.tag.toLowerCase()) !== clause.negated
      : holds(clause.column.value(run, experiments), clause.operator, clause.value)
  )
}
