// Saves text or a blob as a file through a temporary link; works in Electron
// and in a browser without any extra permission.
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.appendChild(link)
  link.click()
  link.remove()
  // revoke later: some browsers start the download asynchronously
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function downloadText(fileName: string, content: string, type = 'text/plain'): void {
  downloadBlob(fileName, new Blob([content], { type: `${type};charset=utf-8` }))
}

/** A file-name-safe version of a title: "CIFAR-10 / 40 labels" -> "cifar-10-40-labels". */
export function fileSlug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'experiment'
  )
}
