// The words under each view of the augmentation preview: what RandAugment,
// the weak crop and the SimCLR colour jitter drew, as the trainer applied it.
import type { AugmentPreviewView, SimclrDrawView } from '../../../shared/api.ts'

type PreviewItem = AugmentPreviewView['items'][number]

const round = (value: number) => String(Math.round(value * 1000) / 1000)

/** One line per RandAugment op drawn: its level, and its parameter or that its 0.5 coin skipped it. */
export function opLines(item: PreviewItem): { text: string; applied: boolean }[] {
  return item.ops.map((entry) => ({
    text: entry.applied ? `${entry.op} level ${entry.level} (${round(entry.value)})` : `${entry.op} level ${entry.level}: skipped (coin)`,
    applied: entry.applied
  }))
}

export function cutoutLine(item: PreviewItem): string {
  const box = item.cutout
  return box ? `Cutout (${box.x0}, ${box.y0}) to (${box.x1}, ${box.y1})` : 'no Cutout'
}

export function weakLine(item: PreviewItem): string {
  const { flip, cropX, cropY } = item.weakDraw
  return `${flip ? 'flipped, ' : ''}crop at (${cropX}, ${cropY})`
}

export function simclrLine(draw: SimclrDrawView): string {
  const parts: string[] = []
  if (draw.jitter) parts.push(`jitter ${draw.order.map((name) => `${name} ${round(draw[name])}`).join(', ')}`)
  else parts.push('no jitter')
  if (draw.grayscale) parts.push('grey')
  parts.push(`blur ${draw.kernelSize}px sigma ${round(draw.sigma)}`)
  return parts.join('; ')
}

/** The Cutout box over a view drawn at `scale`: inclusive corners, clipped to the image. */
export function cutoutStyle(item: PreviewItem, scale: number): Record<string, string> | null {
  const box = item.cutout
  if (!box) return null
  const { width, height } = item.strong
  const x1 = Math.min(box.x1, width - 1)
  const y1 = Math.min(box.y1, height - 1)
  return {
    left: `${box.x0 * scale}px`,
    top: `${box.y0 * scale}px`,
    width: `${(x1 - box.x0 + 1) * scale}px`,
    height: `${(y1 - box.y0 + 1) * scale}px`
  }
}
