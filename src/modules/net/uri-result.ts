// The result of uri shaped as Ansible's: status, url, msg, redirected, elapsed, each response
// header lowercased with '-' as '_', cookies, json for JSON bodies, content on request, and
// "Status code was N and not [200]: ..." when the status is not a wanted one.
import type { CallOutcome } from '../module.js'
import type { UriRequest, UriResponse } from './uri-client.js'

interface ResultArgs {
  url: string
  return_content: boolean
  dest?: string
}

export function uriResult(res: UriResponse, req: UriRequest, args: ResultArgs): CallOutcome {
  const data: Record<string, unknown> = { redirected: res.url !== args.url, url: res.url, status: res.status, msg: res.msg, elapsed: res.elapsed }
  const cookies: Record<string, string> = {}
  for (const [name, value] of res.headers) {
    const key = name.toLowerCase().replace(/-/g, '_')
    // Repeated headers are joined as Python's HTTPMessage does for a dict of them.
    data[key] = data[key] !== undefined && key !== 'status' && key !== 'url' && key !== 'msg' ? `${data[key]}, ${value}` : value
    if (key === 'set_cookie') {
      const m = /^\s*([^=;\s]+)=([^;]*)/.exec(value)
      if (m) cookies[m[1]!] = m[2]!
    }
  }
  data.cookies = cookies
  data.cookies_string = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ')
  if (typeof data.location === 'string') data.location = new URL(data.location, args.url).href
  if (res.dest !== undefined) data.path = res.dest
  const { charset, json } = contentType(typeof data.content_type === 'string' ? data.content_type : undefined)
  let content: string | undefined
  if (res.body !== null) {
    const bytes = Buffer.from(res.body, 'base64')
    content = new TextDecoder(charset, { fatal: false }).decode(bytes)
    if (json) {
      try {
        data.json = JSON.parse(content)
      } catch {
        // Not JSON after all: Ansible leaves json out too.
      }
    }
  }
  if (args.return_content) data.content = content ?? ''
  const changed = res.written === true
  if (!req.status_codes.includes(res.status)) {
    const msg = `Status code was ${res.status} and not [${req.status_codes.join(', ')}]: ${res.msg}`
    data.msg = msg
    return { changed: false, failed: msg, data }
  }
  return { changed, data }
}

function contentType(ct: string | undefined): { charset: string; json: boolean } {
  if (!ct) return { charset: 'utf-8', json: false }
  const [type = '', ...params] = ct.split(';')
  const sub = type.split('/')[1]?.trim().toLowerCase() ?? ''
  const cs = params.map((p) => /^\s*charset=\s*"?([^";]+)"?/i.exec(p)?.[1]).find((x) => x)
  let charset = 'utf-8'
  if (cs) {
    try {
      new TextDecoder(cs)
      charset = cs
    } catch {
      // An unknown charset: read as UTF-8, as Ansible's to_text falls back.
    }
  }
  return { charset, json: sub.includes('json') || sub.includes('javascript') }
}
