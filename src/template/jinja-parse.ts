// Parses a Jinja expression (what `when:` and `{{ }}` hold) into a small tree; jinja-eval.ts walks
// it. Hand-written after Jinja's own parser (jinja2/parser.py) so precedence, tests, filters with
// keyword arguments and `a if c else b` read exactly as in Ansible; nothing here becomes code.
import { TemplateFault } from './failures.js'

export type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'name'; name: string }
  | { t: 'attr'; obj: Node; name: string }
  | { t: 'index'; obj: Node; key: Node }
  | { t: 'slice'; obj: Node; start?: Node; stop?: Node; step?: Node }
  | { t: 'list'; items: Node[] }
  | { t: 'dict'; pairs: Array<[Node, Node]> }
  | { t: 'not'; x: Node }
  | { t: 'neg'; x: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'cond'; test: Node; yes: Node; no?: Node }
  | { t: 'filter'; name: string; subject: Node; args: Node[]; kw: Record<string, Node> }
  | { t: 'test'; name: string; subject: Node; args: Node[]; kw: Record<string, Node>; negate: boolean }
  | { t: 'call'; fn: Node; args: Node[]; kw: Record<string, Node> }
  | { t: 'splat'; x: Node; double: boolean }

type Tok = { k: 'name' | 'str' | 'num' | 'op' | 'end'; v: string; n?: number; s?: string; at: number }

const OPS = ['**', '//', '==', '!=', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '~', '<', '>', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}', '=', '?', '!']
const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', '\n': '' }

function lex(src: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const at = i
    if (c === "'" || c === '"') {
      let s = ''
      i++
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) {
          const e = src[i + 1]!
          s += Object.hasOwn(ESC, e) ? ESC[e] : '\\' + e
          i += 2
        } else s += src[i++]
      }
      if (i >= src.length) throw fault(src, at, 'unterminated string')
      i++
      out.push({ k: 'str', v: c, s, at })
      continue
    }
    const num = /^(?:\d[\d_]*\.\d[\d_]*(?:[eE][-+]?\d+)?|\d[\d_]*[eE][-+]?\d+|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|\d[\d_]*)/.exec(src.slice(i))
    if (num && !/^[A-Za-z_]/.test(src.slice(i + num[0].length))) {
      const text = num[0].replace(/_/g, '')
      const n = /^0[oO]/.test(text) ? parseInt(text.slice(2), 8) : /^0[bB]/.test(text) ? parseInt(text.slice(2), 2) : Number(text)
      out.push({ k: 'num', v: num[0], n, at })
      i += num[0].length
      continue
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))
    if (name) {
      out.push({ k: 'name', v: name[0], at })
      i += name[0].length
      continue
    }
    const op = OPS.find((o) => src.startsWith(o, i))
    if (!op) throw fault(src, at, `unexpected character '${c}'`)
    out.push({ k: 'op', v: op, at })
    i += op.length
  }
  out.push({ k: 'end', v: '', at: src.length })
  return out
}

function fault(src: string, at: number, what: string): TemplateFault {
  return new TemplateFault(`cannot parse expression '${src}': ${what} at column ${at + 1}`)
}

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>='])
const CONSTS: Record<string, unknown> = { true: true, false: false, none: null, True: true, False: false, None: null }
/** Words that end a bare test argument (`x is divisibleby 3` takes one; `x is defined and y` none). */
const STOP = new Set(['else', 'or', 'and', 'if', 'is', 'in', 'not'])

class Parser {
  private i = 0
  constructor(
    private readonly src: string,
    private readonly toks: Tok[],
  ) {}

  private get tok(): Tok {
    return this.toks[this.i]!
  }
  private peek(n = 1): Tok {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!
  }
  private isOp(v: string): boolean {
    return this.tok.k === 'op' && this.tok.v === v
  }
  private isWord(v: string): boolean {
    return this.tok.k === 'name' && this.tok.v === v
  }
  private skipOp(v: string): boolean {
    if (!this.isOp(v)) return false
    this.i++
    return true
  }
  private skipWord(v: string): boolean {
    if (!this.isWord(v)) return false
    this.i++
    return true
  }
  private expect(v: string): void {
    if (!this.skipOp(v)) throw this.unexpected(`expected '${v}'`)
  }
  unexpected(what = 'unexpected'): TemplateFault {
    const t = this.tok
    return fault(this.src, t.at, t.k === 'end' ? `${what}, got the end` : `${what} '${t.k === 'str' ? t.v + t.s + t.v : t.v}'`)
  }

  whole(): Node {
    const n = this.expr()
    if (this.tok.k !== 'end') throw this.unexpected()
    return n
  }

  expr(): Node {
    let n = this.or()
    while (this.isWord('if')) {
      this.i++
      const test = this.or()
      const no = this.skipWord('else') ? this.expr() : undefined
      n = { t: 'cond', test, yes: n, no }
    }
    // `c ? a : b`, kept from tsplay's first expression language.
    if (this.skipOp('?')) {
      const yes = this.expr()
      this.expect(':')
      n = { t: 'cond', test: n, yes, no: this.expr() }
    }
    return n
  }

  private or(): Node {
    let n = this.and()
    while (this.isWord('or') || this.isOp('||')) {
      this.i++
      n = { t: 'bin', op: 'or', l: n, r: this.and() }
    }
    return n
  }

  private and(): Node {
    let n = this.not()
    while (this.isWord('and') || this.isOp('&&')) {
      this.i++
      n = { t: 'bin', op: 'and', l: n, r: this.not() }
    }
    return n
  }

  private not(): Node {
    if (this.isWord('not') || this.isOp('!')) {
      this.i++
      return { t: 'not', x: this.not() }
    }
    return this.compare()
  }

  private compare(): Node {
    let n = this.math1()
    for (;;) {
      if (this.tok.k === 'op' && COMPARE.has(this.tok.v)) {
        const op = this.tok.v
        this.i++
        n = { t: 'bin', op, l: n, r: this.math1() }
      } else if (this.skipWord('in')) n = { t: 'bin', op: 'in', l: n, r: this.math1() }
      else if (this.isWord('not') && this.peek().k === 'name' && this.peek().v === 'in') {
        this.i += 2
        n = { t: 'bin', op: 'not in', l: n, r: this.math1() }
      } else return n
    }
  }

  private binary(ops: string[], next: () => Node): Node {
    let n = next()
    while (this.tok.k === 'op' && ops.includes(this.tok.v)) {
      const op = this.tok.v
      this.i++
      n = { t: 'bin', op, l: n, r: next() }
    }
    return n
  }
  private math1 = (): Node => this.binary(['+', '-'], this.concat)
  private concat = (): Node => this.binary(['~'], this.math2)
  private math2 = (): Node => this.binary(['*', '/', '//', '%'], this.pow)
  private pow = (): Node => this.binary(['**'], () => this.unary(true))

  private unary(withFilter: boolean): Node {
    let n: Node
    if (this.skipOp('-')) n = { t: 'neg', x: this.unary(false) }
    else if (this.skipOp('+')) n = this.unary(false)
    else n = this.postfix(this.primary())
    return withFilter ? this.filters(n) : n
  }

  private primary(): Node {
    const t = this.tok
    if (t.k === 'name') {
      this.i++
      if (Object.hasOwn(CONSTS, t.v)) return { t: 'lit', v: CONSTS[t.v] }
      return { t: 'name', name: t.v }
    }
    if (t.k === 'str') {
      let s = ''
      while (this.tok.k === 'str') s += this.toks[this.i++]!.s
      return { t: 'lit', v: s }
    }
    if (t.k === 'num') {
      this.i++
      return { t: 'lit', v: t.n }
    }
    if (this.skipOp('(')) {
      if (this.skipOp(')')) return { t: 'list', items: [] }
      const first = this.expr()
      if (!this.isOp(',')) {
        this.expect(')')
        return first
      }
      const items = [first]
      while (this.skipOp(',') && !this.isOp(')')) items.push(this.expr())
      this.expect(')')
      return { t: 'list', items }
    }
    if (this.skipOp('[')) {
      const items: Node[] = []
      while (!this.isOp(']')) {
        items.push(this.expr())
        if (!this.skipOp(',')) break
      }
      this.expect(']')
      return { t: 'list', items }
    }
    if (this.skipOp('{')) {
      const pairs: Array<[Node, Node]> = []
      while (!this.isOp('}')) {
        const k = this.expr()
        this.expect(':')
        pairs.push([k, this.expr()])
        if (!this.skipOp(',')) break
      }
      this.expect('}')
      return { t: 'dict', pairs }
    }
    throw this.unexpected()
  }

  private postfix(n: Node): Node {
    for (;;) {
      if (this.skipOp('.')) {
        const t = this.tok
        if (t.k === 'name') n = { t: 'attr', obj: n, name: t.v }
        else if (t.k === 'num' && /^\d+$/.test(t.v)) n = { t: 'index', obj: n, key: { t: 'lit', v: t.n } }
        else throw this.unexpected('expected a name after .')
        this.i++
      } else if (this.skipOp('[')) n = this.subscript(n)
      else if (this.isOp('(')) n = { t: 'call', fn: n, ...this.callArgs() }
      else return n
    }
  }

  private subscript(obj: Node): Node {
    const part = (): Node | undefined => (this.isOp(':') || this.isOp(']') ? undefined : this.expr())
    const start = part()
    if (!this.skipOp(':')) {
      this.expect(']')
      if (!start) throw this.unexpected('expected an index')
      return { t: 'index', obj, key: start }
    }
    const stop = part()
    const step = this.skipOp(':') ? part() : undefined
    this.expect(']')
    return { t: 'slice', obj, start, stop, step }
  }

  private callArgs(): { args: Node[]; kw: Record<string, Node> } {
    this.expect('(')
    const args: Node[] = []
    const kw: Record<string, Node> = {}
    while (!this.isOp(')')) {
      if (this.tok.k === 'name' && this.peek().k === 'op' && this.peek().v === '=') {
        const name = this.tok.v
        this.i += 2
        kw[name] = this.expr()
      } else if (this.skipOp('**')) args.push({ t: 'splat', x: this.expr(), double: true })
      else if (this.skipOp('*')) args.push({ t: 'splat', x: this.expr(), double: false })
      else args.push(this.expr())
      if (!this.skipOp(',')) break
    }
    this.expect(')')
    return { args, kw }
  }

  /** A dotted name (`ansible.builtin.to_json`), of which the last part counts. */
  private dottedName(what: string): string {
    const t = this.tok
    if (t.k !== 'name') throw this.unexpected(`expected a ${what} name`)
    this.i++
    let name = t.v
    while (this.isOp('.') && this.peek().k === 'name') {
      this.i++
      name = this.toks[this.i++]!.v
    }
    return name
  }

  private filters(n: Node): Node {
    for (;;) {
      if (this.skipOp('|')) {
        const name = this.dottedName('filter')
        const { args, kw } = this.isOp('(') ? this.callArgs() : { args: [], kw: {} }
        n = this.postfix({ t: 'filter', name, subject: n, args, kw })
      } else if (this.skipWord('is')) {
        const negate = this.skipWord('not')
        const name = this.dottedName('test')
        let args: Node[] = []
        let kw: Record<string, Node> = {}
        if (this.isOp('(')) ({ args, kw } = this.callArgs())
        else if (this.bareTestArg()) args = [this.postfix(this.primary())]
        n = { t: 'test', name, subject: n, args, kw, negate }
      } else return n
    }
  }

  private bareTestArg(): boolean {
    const t = this.tok
    if (t.k === 'str' || t.k === 'num') return true
    if (t.k === 'op') return t.v === '[' || t.v === '{'
    return t.k === 'name' && !STOP.has(t.v)
  }
}

const cache = new Map<string, Node | TemplateFault>()
const CACHE_MAX = 20_000

/** The tree of an expression, or the fault saying why it does not parse; cached by text. */
export function parseExpression(src: string): Node | TemplateFault {
  let hit = cache.get(src)
  if (hit) return hit
  try {
    hit = new Parser(src, lex(src)).whole()
  } catch (e) {
    if (!(e instanceof TemplateFault)) throw e
    hit = e
  }
  if (cache.size >= CACHE_MAX) cache.clear()
  cache.set(src, hit)
  return hit
}
