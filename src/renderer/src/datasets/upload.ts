// Sends a file picked in the page to the service in pieces (a browser gives
// no path, and a request body is at most 1 MiB), for 'datasets/import-upload'.
import type { LabClient } from '../../../shared/api.ts'

/** 512 KiB: 700,000 base64 characters at most, what 'datasets/upload' takes. */
export const UPLOAD_PIECE_BYTES = 512 * 1024

export function toBase64(bytes: Uint8Array): string {
  let text = ''
  // String.fromCharCode takes its arguments on the stack: a few KiB at a time
  for (let i = 0; i < bytes.length; i += 0x2000) text += String.fromCharCode(...bytes.subarray(i, i + 0x2000))
  return btoa(text)
}

/** Uploads `file` piece by piece in order; returns its upload id. */
export async function uploadFile(client: LabClient, file: Blob, onSent: (sent: number, total: number) => void): Promise<string> {
  const uploadId = crypto.randomUUID()
  let offset = 0
  onSent(0, file.size)
  while (offset < file.size) {
    const piece = new Uint8Array(await file.slice(offset, offset + UPLOAD_PIECE_BYTES).arrayBuffer())
    offset = (await client.call('datasets/upload', { uploadId, offset, chunk: toBase64(piece) })).received
    onSent(offset, file.size)
  }
  return uploadId
}
