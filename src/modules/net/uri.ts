// uri: an HTTP(S) request made from the target (ansible.builtin.uri), with Ansible's arguments and
// result fields. The request is the change (a call running python3's urllib there), so --check
// skips it, as Ansible's uri (no check mode support) does; creates/removes are read first.
import { readFileSync } from 'node:fs'
import { sh } from '../../connection/quote.js'
import { ArgError, TsplayError } from '../../errors.js'
import { defineModule, type ModuleContext } from '../module.js'
import { read } from '../read.js'
import { URI_SCRIPT, type UriRequest, type UriResponse } from './uri-client.js'
import { uriResult } from './uri-result.js'

export interface UriArgs {
  url: string
  method: string
  body?: unknown
  body_format: 'raw' | 'json' | 'form-urlencoded' | 'form-multipart'
  src?: string
  remote_src: boolean
  headers: Record<string, unknown>
  status_code: number | string | (number | string)[]
  return_content: boolean
  dest?: string
  url_username?: string
  url_password?: string
  force_basic_auth: boolean
  follow_redirects: 'safe' | 'all' | 'yes' | 'none' | 'no' | 'urllib2'
  timeout: number
  validate_certs: boolean
  ca_path?: string
  client_cert?: string
  client_key?: string
  use_proxy: boolean
  http_agent: string
  force: boolean
  creates?: string
  removes?: string
}

export interface UriState {
  /** Why the request is not made (creates exists, removes does not). */
  skip?: string
  /** The controller file of `src`, base64. */
  srcBody?: string
}

export const uri = defineModule<UriArgs, UriState>({
  name: 'uri',
  description: 'Make an HTTP(S) request from the target and return the answer (like ansible.builtin.uri); needs python3 there.',
  checkMode: 'skip',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^https?://', description: 'HTTP or HTTPS URL, as the target reaches it.' },
      method: { type: 'string', pattern: '^[A-Z]+$', default: 'GET', description: 'The HTTP method, one word in uppercase (GET, POST, PUT, DELETE, HEAD, PATCH, ...).' },
      body: { description: "The request body: a string as is, or with body_format json/form-urlencoded a mapping (or list) encoded so." },
      body_format: { enum: ['raw', 'json', 'form-urlencoded', 'form-multipart'], default: 'raw', description: "How body is encoded: json (and Content-Type application/json unless given), form-urlencoded (Content-Type application/x-www-form-urlencoded), raw. form-multipart is not supported by tsplay (the task fails saying so)." },
      src: { type: 'string', description: 'A file sent as the body: on the controller (files/ of the role, the playbook folder), or on the target with remote_src.' },
      remote_src: { type: 'boolean', default: false, description: 'src is a path on the target.' },
      headers: { type: 'object', default: {}, description: 'Request headers, name: value.' },
      status_code: { type: ['integer', 'string', 'array'], items: { type: ['integer', 'string'] }, default: [200], description: 'Status codes that mean success (one or a list); another fails the task.' },
      return_content: { type: 'boolean', default: false, description: "Put the body into the result's content (JSON bodies are always parsed into json)." },
      dest: { type: 'string', description: 'Write the body to this file on the target (a folder: the name from Content-Disposition or the URL); an existing file is sent as If-Modified-Since, so a 304 changes nothing.' },
      url_username: { type: 'string', aliases: ['user'], description: 'User name for HTTP basic authentication.' },
      url_password: { type: 'string', aliases: ['password'], description: 'Password for HTTP basic authentication.' },
      force_basic_auth: { type: 'boolean', default: false, description: 'Send the basic authentication header with the first request instead of after a 401 challenge.' },
      follow_redirects: { enum: ['safe', 'all', 'yes', 'none', 'no', 'urllib2'], default: 'safe', description: 'safe: follow redirects of GET and HEAD only; all/yes: every redirect (a 301/302/303 after POST becomes GET); none/no: none (the 3xx is the answer); urllib2: as Python urllib does.' },
      timeout: { type: 'number', minimum: 0, default: 30, description: 'Seconds the connection and each read may take.' },
      validate_certs: { type: 'boolean', default: true, description: "false: do not check the server's TLS certificate." },
      ca_path: { type: 'string', description: 'CA certificate file (PEM) on the target to check the server against.' },
      client_cert: { type: 'string', description: 'Client certificate (PEM) on the target, for TLS client authentication.' },
      client_key: { type: 'string', description: 'Its private key (PEM) on the target, when not in client_cert.' },
      use_proxy: { type: 'boolean', default: true, description: "false: ignore the target's http_proxy/https_proxy variables." },
      http_agent: { type: 'string', default: 'ansible-httpget', description: 'The User-Agent header.' },
      force: { type: 'boolean', default: false, description: 'Ask caches not to answer (Cache-Control: no-cache).' },
      creates: { type: 'string', description: 'A path on the target: when it exists, the request is not made.' },
      removes: { type: 'string', description: 'A path on the target: when it does not exist, the request is not made.' },
    },
  },
  example: ['- name: The webmail answers', '  uri:', '    url: http://mail.example.org/health', '    return_content: true', '  register: health'].join('\n'),

  async gather(args, ctx) {
    const st: UriState = {}
    if (args.body_format === 'form-multipart') throw new ArgError('body_format', "body_format form-multipart is not supported by tsplay's uri", { hint: 'Send the body raw with its own Content-Type header.' })
    for (const [key, want] of [['creates', true], ['removes', false]] as const) {
      const p = args[key]
      if (p === undefined) continue
      const r = await read(ctx, sh`test -e ${p}`, { okCodes: 'any' })
      if ((r.rc === 0) === want) st.skip = `skipped, since ${p} ${want ? 'exists' : 'does not exist'}`
    }
    if (args.src !== undefined && !args.remote_src) st.srcBody = readFileSync(ctx.findFile('files', args.src)).toString('base64')
    return st
  },

  plan(args, st) {
    if (st.skip) return { changes: [], reason: st.skip, data: { stdout: st.skip } }
    const req = request(args, st)
    const redacted = req.password === null ? '' : ' (with a password)'
    return {
      // No reason: the result's msg is the server's answer ('OK (5 bytes)'), as Ansible's.
      changes: [{ kind: 'call', describe: `${req.method} ${args.url}${redacted}`, run: (ctx) => send(req, args, ctx) }],
    }
  },
})

/** The JSON the target's script reads: the body encoded as body_format says, headers completed. */
function request(args: UriArgs, st: UriState): UriRequest {
  const headers: Record<string, string> = { 'User-Agent': args.http_agent }
  for (const [k, v] of Object.entries(args.headers)) headers[k] = String(v)
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name)
  let body: string | null = st.srcBody ?? null
  if (args.body !== undefined && args.body !== null && st.srcBody === undefined) {
    if (args.body_format === 'json') {
      body = typeof args.body === 'string' ? args.body : JSON.stringify(args.body)
      if (!has('content-type')) headers['Content-Type'] = 'application/json'
    } else if (args.body_format === 'form-urlencoded') {
      body = typeof args.body === 'string' ? args.body : formEncode(args.body)
      if (!has('content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded'
    } else body = typeof args.body === 'string' ? args.body : JSON.stringify(args.body)
    body = Buffer.from(body, 'utf8').toString('base64')
  }
  if (args.force) headers['Cache-Control'] = 'no-cache'
  const follow = args.follow_redirects === 'yes' ? 'all' : args.follow_redirects === 'no' ? 'none' : args.follow_redirects
  return {
    url: args.url,
    method: args.method,
    headers,
    body,
    follow,
    timeout: args.timeout,
    validate_certs: args.validate_certs,
    ca_path: args.ca_path ?? null,
    client_cert: args.client_cert ?? null,
    client_key: args.client_key ?? null,
    user: args.url_username ?? null,
    password: args.url_password ?? null,
    force_basic_auth: args.force_basic_auth,
    dest: args.dest ?? null,
    status_codes: statusCodes(args.status_code),
    read_body: args.return_content || args.dest === undefined,
    body_file: args.src !== undefined && args.remote_src ? args.src : null,
    use_proxy: args.use_proxy,
  }
}

export function statusCodes(v: UriArgs['status_code']): number[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v]
  return list.map((c) => {
    const n = Number(String(c).trim())
    if (!Number.isInteger(n)) throw new ArgError('status_code', `status_code '${c}' is not a number`)
    return n
  })
}

/** urlencode of a mapping or a list of pairs, as Python's urllib.parse.urlencode. */
export function formEncode(body: unknown): string {
  const pairs: [string, unknown][] = Array.isArray(body) ? body.map((p) => (Array.isArray(p) ? [String(p[0]), p[1]] : [String(p), ''])) : Object.entries(body as Record<string, unknown>)
  const enc = (s: unknown) => encodeURIComponent(String(s)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')
}

async function send(req: UriRequest, args: UriArgs, ctx: ModuleContext) {
  // Ansible's interpreter discovery in short: ansible_python_interpreter, else /usr/bin/python3.
  const set = ctx.vars.ansible_python_interpreter
  const py = typeof set === 'string' && set !== '' ? sh`${set}` : 'p=/usr/bin/python3; [ -x "$p" ] || p=python3; "$p"'
  const r = await read(ctx, `${py} -c ${sh`${URI_SCRIPT}`}`, { stdin: JSON.stringify(req), timeoutMs: ctx.timeoutMs, okCodes: 'any' })
  const line = r.stdout.trim().split('\n').pop() ?? ''
  if (r.rc !== 0 || !line.startsWith('{')) {
    const why = r.rc === 127 || /python3: (command )?not found/.test(r.stderr) ? 'python3 is not installed on the target (uri needs it, as Ansible does)' : r.stderr.trim() || `exit code ${r.rc}`
    throw new TsplayError(`uri could not make the request: ${why}`)
  }
  return uriResult(JSON.parse(line) as UriResponse, req, args)
}
