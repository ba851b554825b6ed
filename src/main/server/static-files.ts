// The built renderer (out/renderer) for GET and HEAD. The page and its assets
// are the app's own code and hold no data, so they are served without the
// token; opened with ?token= the page gets the session cookie (lab-server.ts)
// that its /api and /events calls bring.
import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8'
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FixMatch Lab</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>FixMatch Lab</h1>
<p>The lab service is running, but the page has not been built.
Run <code>npm run build</code> in the FixMatch Lab folder, then reload this page (keep the <code>?token=</code> part of the link).</p>
<p>The API answers at <code>POST /api/&lt;command&gt;</code> with the token as <code>Authorization: Bearer TOKEN</code>.</p>
</body></html>
`

export function serveStatic(request: IncomingMessage, response: ServerResponse, rendererDir: string | undefined): void {
  const headers = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-cache'
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' })
    return void response.end('method not allowed\n')
  }
  const index = rendererDir ? path.join(rendererDir, 'index.html') : undefined
  if (!index || !fs.existsSync(index)) {
    response.writeHead(200, { ...headers, 'Content-Type': TYPES['.html'] })
    return void response.end(request.method === 'HEAD' ? undefined : NOT_BUILT)
  }
  const file = resolveFile(rendererDir!, new URL(request.url ?? '/', 'http://localhost').pathname)
  if (!file) {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
    return void response.end('not found\n')
  }
  const stat = fs.statSync(file)
  response.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': stat.size })
  if (request.method === 'HEAD') return void response.end()
  fs.createReadStream(file).pipe(response)
}

/** The file for a URL path inside the folder, or undefined; paths without an extension get index.html (the app's own routes). */
function resolveFile(root: string, urlPath: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  const base = path.resolve(root)
  const wanted = path.resolve(base, '.' + path.posix.normalize('/' + decoded))
  if (wanted !== base && !wanted.startsWith(base + path.sep)) return undefined
  const stat = fs.statSync(wanted, { throwIfNoEntry: false })
  if (stat?.isFile()) return wanted
  if (stat?.isDirectory() || !path.extname(wanted)) return path.join(base, 'index.html')
  return undefined
}
