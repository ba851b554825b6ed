// Portable run bundles: a run exported from one home and imported into
// another shows there like its own (metrics, summary, provenance, tags, note)
// and brings its checkpoint along, checked by sha256.
import fs from 'node:fs'
import path from 'node:path'
import { create as createTar, extract as extractTar } from 'tar'
import { describe, expect, it } from 'vitest'
import { importRunBundle, writeRunBundle, checkpointDir } from '../../src/main/service/index.ts'
import { sha256Of, writeCheckpointAtomic } from '../../src/main/checkpoint/files.ts'
import { serializeState } from '../../src/main/checkpoint/format.ts'
import type { RunConfig } from '../../src/shared/config.ts'
import { fakeLauncher, openService, tempHome, tinyConfig, waitForStatus } from './service-helpers.ts'

/** A real checkpoint file's bytes (no tensors: the import reads only its header). */
function checkpointBytes(step: number, config: RunConfig): Buffer {
  return serializeState({
    format: 'fixmatch-lab-state/1',
    step,
    config,
    splitHash: 'feedfacefeedface',
    trainSeconds: 2.5,
    tensors: { params: {}, buffers: {}, ema: {}, momentum: {} }
  })
}

/** The bundle unpacked, changed by `edit` (in its folder), and packed again as another file. */
async function repack(file: string, edit: (dir: string) => void): Promise<string> {
  const dir = fs.mkdtempSync(path.join(path.dirname(file), 'unpacked-'))
  await extractTar({ file, cwd: dir })
  edit(dir)
  const out = path.join(path.dirname(file), `edited-${path.basename(dir)}.tar`)
  await createTar({ file: out, cwd: dir, portable: true }, fs.readdirSync(dir))
  return out
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'))
const writeJson = (file: string, value: unknown) => fs.writeFileSync(file, JSON.stringify(value))

/** A run that trained to step 4 (scripted trainer, real checkpoint file) and was paused. */
async function pausedRun(home: string) {
  const launcher = fakeLauncher()
  const service = openService({ homeDir: home, launcher })
  const config = tinyConfig({ seed: 3 })
  const runId = (await service.handlers['queue/add']({ config })).id
  service.start()
  await waitForStatus(service, runId, ['running'])
  const trainer = launcher.trainers[0]
  trainer.report({
    type: 'started',
    backend: 'wasm',
    device: 'a test CPU',
    splitHash: 'feedfacefeedface',
    resumedFromStep: null,
    trainSeconds: 0,
    rejected: [],
    libraryVersions: { tfjs: '4.22.0', node: '20' },
    os: 'Test OS 1'
  })
  trainer.report({ type: 'metrics', step: 2, values: { loss: 2.25, maskRate: 0.5 } })
  trainer.report({ type: 'metrics', step: 4, values: { loss: 1.75, maskRate: 0.75 } })
  trainer.report({ type: 'eval', step: 4, top1: 41.5, top5: 88, loss: 1.9, count: 200 })
  const written = writeCheckpointAtomic(checkpointDir(home, runId), 4, checkpointBytes(4, config))
  trainer.report({ type: 'checkpoint', step: 4, ...written, trainSeconds: 2.5, splitHash: 'feedfacefeedface' })
  trainer.report({ type: 'paused', step: 4, trainSeconds: 2.5 })
  trainer.exit(0)
  await waitForStatus(service, runId, ['paused'])
  await service.handlers['runs/tag']({ runId, tags: ['overnight', 'digits'] })
  await service.handlers['runs/note']({ runId, note: 'paused to free the machine' })
  return { service, runId }
}

describe('run bundles', () => {
  it('a bundle imported into a second home shows the run with its metrics, provenance, tags, note and checkpoint', async () => {
    const { service: source, runId } = await pausedRun(tempHome())
    const file = path.join(tempHome(), 'run.fixmatch-run.tar')
    const { checkpointStep } = await writeRunBundle(source.store, runId, file)
    expect(checkpointStep).toBe(4)

    const home = tempHome()
    const target = openService({ homeDir: home, launcher: fakeLauncher() })
    await target.handlers['queue/add']({ config: tinyConfig() }) // the new home has a run of its own already
    const imported = await importRunBundle(target.store, home, file)
    const [shown] = await target.handlers['runs/list']({ tag: 'overnight' })
    expect(shown.id).toBe(imported.id)
    expect(shown.id).not.toBe(runId)
    expect(shown).toMatchObject({
      status: 'paused',
      step: 4,
      trainSeconds: 2.5,
      variant: 'O',
      seed: 3,
      backend: 'wasm',
      device: 'a test CPU',
      splitHash: 'feedfacefeedface',
      os: 'Test OS 1',
      libraryVersions: { tfjs: '4.22.0', node: '20' },
      tags: ['digits', 'overnight'],
      note: 'paused to free the machine'
    })
    expect(shown.summary['eval/top1']).toMatchObject({ last: 41.5, lastStep: 4 })
    const series = await target.handlers['runs/series']({ runId: shown.id, names: ['loss', 'maskRate'] })
    // the points keep the wall times they were recorded at (time axes draw them)
    expect(series).toEqual(await source.handlers['runs/series']({ runId, names: ['loss', 'maskRate'] }))
    expect(series.loss.every((p) => typeof p.time === 'number')).toBe(true)
    expect(series).toMatchObject({
      loss: [
        { step: 2, value: 2.25 },
        { step: 4, value: 1.75 }
      ],
      maskRate: [
        { step: 2, value: 0.5 },
        { step: 4, value: 0.75 }
      ]
    })
    // its checkpoint now lives under the new home, recorded with the same sha256
    const [checkpoint] = target.store.checkpoints.list(shown.id)
    expect(checkpoint.path.startsWith(checkpointDir(home, shown.id))).toBe(true)
    expect(checkpoint.sha256).toBe(source.store.checkpoints.list(runId)[0].sha256)
    expect(target.store.checkpoints.latest(shown.id, 'sha256')?.step).toBe(4)
    // private to its user like every checkpoint of the home
    if (process.platform !== 'win32') {
      expect(fs.statSync(checkpoint.path).mode & 0o777).toBe(0o600)
      expect(fs.statSync(path.dirname(checkpoint.path)).mode & 0o777).toBe(0o700)
    }
    // and it can be resumed there
    await target.handlers['queue/resume']({ runId: shown.id })
    expect(target.store.runs.require(shown.id).status).toBe('queued')
  })

  it('a plain JSON export imports too (without a checkpoint); other files are refused with the reason', async () => {
    const { service: source, runId } = await pausedRun(tempHome())
    const folder = tempHome()
    const json = path.join(folder, 'run.json')
    fs.writeFileSync(json, (await source.handlers['runs/export']({ runId, format: 'json' })).content)
    const home = tempHome()
    const target = openService({ homeDir: home, launcher: fakeLauncher() })
    const imported = await importRunBundle(target.store, home, json)
    expect(target.store.metrics.summary(imported.id).loss.last).toBe(1.75)
    expect(target.store.checkpoints.list(imported.id)).toEqual([])

    const junk = path.join(folder, 'junk.tar')
    fs.writeFileSync(junk, Buffer.alloc(4096, 1))
    await expect(importRunBundle(target.store, home, junk)).rejects.toThrow(/not a FixMatch Lab run bundle|has no manifest/)
    expect(target.store.runs.list()).toHaveLength(1)
  })

  it('a bundle whose checkpoint does not match its record is refused, and nothing is imported', async () => {
    const { service: source, runId } = await pausedRun(tempHome())
    // damage the checkpoint the bundle will carry: same size, other bytes
    const [checkpoint] = source.store.checkpoints.list(runId)
    const file = path.join(tempHome(), 'run.tar')
    const original = fs.readFileSync(checkpoint.path)
    // the export takes the newest checkpoint whose sha256 checks out: a damaged one leaves none
    fs.writeFileSync(checkpoint.path, Buffer.alloc(original.length, 0))
    expect((await writeRunBundle(source.store, runId, file)).checkpointStep).toBeNull()
    fs.writeFileSync(checkpoint.path, original)
    await writeRunBundle(source.store, runId, file)
    const tar = fs.readFileSync(file)
    const at = tar.indexOf(original)
    tar[at] ^= 0xff
    fs.writeFileSync(file, tar)

    const home = tempHome()
    const target = openService({ homeDir: home, launcher: fakeLauncher() })
    await expect(importRunBundle(target.store, home, file)).rejects.toThrow(/the bundle is damaged/)
    expect(target.store.runs.list()).toEqual([])
    expect(fs.existsSync(path.join(home, 'checkpoints'))).toBe(false)
  })

  it('negative steps, times and a step past the run are refused, naming the file and the field', async () => {
    const { service: source, runId } = await pausedRun(tempHome())
    const folder = tempHome()
    const exported = JSON.parse((await source.handlers['runs/export']({ runId, format: 'json' })).content)
    const home = tempHome()
    const target = openService({ homeDir: home, launcher: fakeLauncher() })
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ step: -5 }, /run\.step: expected an integer >= 0, got -5/],
      [{ trainSeconds: -2.5 }, /run\.trainSeconds: expected a number of seconds >= 0, got -2\.5/],
      [{ createdAt: -1 }, /run\.createdAt: expected an integer >= 0, got -1/],
      [{ step: 999 }, /run\.step: 999 is past the run's 8 steps/],
      [{ totalSteps: 5 }, /run\.totalSteps: 5 differs from its config's steps \(8\)/],
      [{ config: { ...exported.run.config, steps: 1e12 } }, /run\.config\.steps: steps: 1000000000000 is not allowed/]
    ]
    for (const [change, message] of cases) {
      const file = path.join(folder, 'run.json')
      writeJson(file, { ...exported, run: { ...exported.run, ...change } })
      const error = await importRunBundle(target.store, home, file).catch((e: Error) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `))
      expect((error as Error).message).toMatch(message)
    }
    const negative = path.join(folder, 'negative-metric.json')
    writeJson(negative, { ...exported, metrics: { loss: { steps: [-2], values: [1], wallTimes: [1] } } })
    await expect(importRunBundle(target.store, home, negative)).rejects.toThrow(
      /negative-metric\.json: metrics\.loss\.steps\.0: expected a step from 0 to 8, got -2/
    )
    expect(target.store.runs.list()).toEqual([])
  })

  it('a bundle whose checkpoint is missing, a link, or of another step is refused by name, with no temp path', async () => {
    const { service: source, runId } = await pausedRun(tempHome())
    const file = path.join(tempHome(), 'run.fixmatch-run.tar')
    await writeRunBundle(source.store, runId, file)
    const home = tempHome()
    const target = openService({ homeDir: home, launcher: fakeLauncher() })
    const refused = async (bundle: string, message: RegExp) => {
      const error = (await importRunBundle(target.store, home, bundle).catch((e: Error) => e)) as Error
      expect(error).toBeInstanceOf(Error)
      expect(error.message).toMatch(message)
      expect(error.message.startsWith(`${bundle}: `)).toBe(true)
      expect(error.message).not.toMatch(/ENOENT|fixmatch-import-/)
    }

    const missing = await repack(file, (dir) => fs.rmSync(path.join(dir, 'checkpoint.ckpt')))
    await refused(missing, /checkpoint\.ckpt: missing: manifest\.json records a checkpoint at step 4, the bundle holds none/)

    const linked = await repack(file, (dir) => {
      fs.rmSync(path.join(dir, 'checkpoint.ckpt'))
      fs.symlinkSync('/etc/hostname', path.join(dir, 'checkpoint.ckpt'))
    })
    await refused(linked, /checkpoint\.ckpt: is a SymbolicLink in the bundle, not a file/)

    // size and sha256 agree with the manifest, the step does not: the checkpoint itself says 3
    const otherStep = await repack(file, (dir) => {
      const bytes = checkpointBytes(3, readJson(path.join(dir, 'run.json')).run.config)
      fs.writeFileSync(path.join(dir, 'checkpoint.ckpt'), bytes)
      const manifest = readJson(path.join(dir, 'manifest.json'))
      writeJson(path.join(dir, 'manifest.json'), { ...manifest, checkpoint: { ...manifest.checkpoint, bytes: bytes.length, sha256: sha256Of(bytes) } })
    })
    await refused(otherStep, /manifest\.json\.checkpoint\.step: 4, but the checkpoint itself holds step 3/)

    const negative = await repack(file, (dir) => {
      const manifest = readJson(path.join(dir, 'manifest.json'))
      writeJson(path.join(dir, 'manifest.json'), { ...manifest, checkpoint: { ...manifest.checkpoint, step: -4 } })
    })
    await refused(negative, /manifest\.json\.checkpoint\.step: expected an integer >= 0, got -4/)

    // a checkpoint of its own step 12, for a run of 8 steps: it belongs to another run
    const past = await repack(file, (dir) => {
      const bytes = checkpointBytes(12, readJson(path.join(dir, 'run.json')).run.config)
      fs.writeFileSync(path.join(dir, 'checkpoint.ckpt'), bytes)
      const manifest = readJson(path.join(dir, 'manifest.json'))
      writeJson(path.join(dir, 'manifest.json'), {
        ...manifest,
        checkpoint: { step: 12, file: 'checkpoint.ckpt', bytes: bytes.length, sha256: sha256Of(bytes) }
      })
    })
    await refused(past, /manifest\.json\.checkpoint\.step: 12 is past the run's 8 steps/)

    expect(target.store.runs.list()).toEqual([])
    expect(fs.existsSync(path.join(home, 'checkpoints'))).toBe(false)
    // the bundle as written still imports
    expect((await importRunBundle(target.store, home, file)).step).toBe(4)
  })
})
