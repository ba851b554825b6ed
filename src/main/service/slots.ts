// How many trainers the service runs at once: its slots. A wasm (or cpu)
// trainer's step uses one core, so a CPU backend gets one slot per core; a
// GPU is one device, so one, which the user may raise. The value in effect is
// `--slots` of this process, else <home>/settings.json, else that default.
// Parallelism is between runs: each run trains exactly as it would alone.
import os from 'node:os'
import type { SettingsView } from '../../shared/settings.ts'
import type { RunStore } from '../store/index.ts'
import { settingsFilePath, writeLabSettings } from './settings-file.ts'

const GPU_BACKENDS = new Set(['node-gpu', 'webgpu'])

export interface SlotDefault {
  slots: number
  reason: string
}

/** The default for the backend trainers use here; unknown (no trainer has reported one yet): one, safe on a GPU. */
export function defaultSlots(backend: string | null | undefined, cores: number = os.availableParallelism()): SlotDefault {
  if (!backend) return { slots: 1, reason: 'one until a trainer reports its backend (then one per core on a CPU backend, one on a GPU)' }
  if (GPU_BACKENDS.has(backend)) return { slots: 1, reason: `one on a GPU (${backend})` }
  return { slots: cores, reason: `one per core on ${backend} (${cores} core${cores === 1 ? '' : 's'})` }
}

/** The backend the newest trainer reported (the service itself never loads tfjs). */
export function lastReportedBackend(store: RunStore): { backend: string; device: string | null } | undefined {
  const latest = store.runs.list({ limit: 20 }).find((run) => run.backend !== null)
  return latest ? { backend: latest.backend!, device: latest.device } : undefined
}

/** The backend the next run will train on, as far as is known before it starts: a forced one, else the last reported. */
function expectedBackend(store: RunStore): string | undefined {
  const forced = store.queue.nextQueued()?.config.backend
  if (forced && forced !== 'auto') return forced
  return lastReportedBackend(store)?.backend
}

export class SlotPolicy {
  private saved: number | undefined
  /** `--slots` of this process */
  private override: number | undefined

  constructor(
    private readonly store: RunStore,
    private readonly homeDir: string,
    /** saved: settings.json's value (read by the caller before it opened the store) */
    values: { saved: number | undefined; override: number | undefined },
    private readonly cores: number = os.availableParallelism()
  ) {
    this.saved = values.saved
    this.override = values.override
  }

  /** The slots in effect now. */
  get slots(): number {
    return this.override ?? this.saved ?? this.default().slots
  }

  view(running: number): SettingsView {
    const fallback = this.default()
    return {
      slots: this.slots,
      source: this.override !== undefined ? 'cli' : this.saved !== undefined ? 'file' : 'default',
      saved: this.saved ?? null,
      defaultSlots: fallback.slots,
      defaultReason: fallback.reason,
      running,
      file: settingsFilePath(this.homeDir)
    }
  }

  /** Saves the slots (null: back to the default) and applies them now, over a `--slots` of this process too. */
  set(slots: number | null): void {
    this.saved = writeLabSettings(this.homeDir, { slots: slots ?? undefined }).slots
    this.override = undefined
  }

  private default(): SlotDefault {
    return defaultSlots(expectedBackend(this.store), this.cores)
  }
}
