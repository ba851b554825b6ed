// Imported first by main.ts, before any module builds a zod schema: the page's
// CSP allows no eval, and zod probes for it with `new Function` when it builds
// an object schema (a strict CSP reports even the caught attempt as a
// violation). Jitless, it parses without its compiled fast path.
import { z } from 'zod'

z.config({ jitless: true })
