// `fixmatch-lab bench store`: the run store under the load of a long history (see bench/store.bench.ts).
import { parseFlags, positiveInt } from '../args.ts'

const USAGE = `Usage: fixmatch-lab bench store [--runs N] [--points M] [--tries T] [--json]

Fills a temporary store with N runs (default 1000) of M metric rows (default 20000),
then, while a writer keeps inserting, times listing the runs with their summaries
(goal < 50 ms) and one run's series down-sampled for a chart (goal < 100 ms).`

export async function benchStoreCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { runs: { type: 'string' }, points: { type: 'string' }, tries: { type: 'string' }, json: { type: 'boolean' } }, USAGE)
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const { runStoreBench } = await import('../../../bench/store.bench.ts')
  const result = await runStoreBench({
    runs: positiveInt('runs', values.runs, 1000),
    points: positiveInt('points', values.points, 20000),
    tries: positiveInt('tries', values.tries, 15),
    log: (line) => console.error(line)
  })
  console.error(`list runs ${result.listRunsMs.toFixed(1)} ms (goal < 50), series ${result.seriesMs.toFixed(1)} ms (goal < 100)`)
  if (values.json) console.log(JSON.stringify(result))
  return 0
}
