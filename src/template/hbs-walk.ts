// Renders a parsed Handlebars template by walking its AST. Handlebars.compile would turn the
// template text into a JavaScript function; walking keeps templates data, never code, and
// routes every lookup through one strict resolver that can name the whole missing path.
import { didYouMean } from '../util/suggest.js'
import type { Block, Expr, HbsLoc, Mustache, PathExpr, Program, Statement, SubExpr } from './hbs-ast.js'
import { getOwn, ownKeys, TemplateFault, undefinedPath, UndefinedVariable } from './failures.js'
import type { Helper } from './helpers.js'
import { isMapping, toText, truthy, typeName } from './values.js'

interface Frame {
  ctx: unknown
  data: Record<string, unknown>
  params: Record<string, unknown>
}

/** Helpers whose first argument may be missing: that is their whole point. */
const LENIENT_FIRST = new Set(['default', 'mandatory'])
const BLOCKS = ['if', 'unless', 'each', 'with']
/** Words that mean someone wrote `{{ a if c else b }}` or `{{ x and y }}` out of Jinja habit. */
const JINJA_WORDS = new Set(['if', 'else', 'and', 'or', 'is', 'not', 'in'])

export class Walker {
  constructor(private readonly helpers: Record<string, Helper>) {}

  /** The text of a whole program. */
  render(program: Program, vars: object): string {
    return this.program(program, [{ ctx: vars, data: {}, params: {} }])
  }

  /** The raw value of a lone mustache, for `loop: "{{ users }}"`. */
  value(node: Mustache, vars: object): unknown {
    return this.located(node.loc, () => this.mustache(node, [{ ctx: vars, data: {}, params: {} }]))
  }

  private program(program: Program | undefined, scope: Frame[]): string {
    if (!program) return ''
    let out = ''
    for (const st of program.body) out += this.statement(st, scope)
    return out
  }

  private statement(st: Statement, scope: Frame[]): string {
    switch (st.type) {
      case 'ContentStatement':
        return st.value
      case 'CommentStatement':
        return ''
      case 'MustacheStatement':
        return toText(this.located(st.loc, () => this.mustache(st, scope)))
      case 'BlockStatement':
        return this.located(st.loc, () => this.block(st, scope))
      default:
        throw this.at(
          st.loc,
          new TemplateFault(
            'partials and decorators are not supported in templates',
            'Inline the shared text, or render it into a variable first.',
          ),
        )
    }
  }

  private mustache(node: Mustache, scope: Frame[]): unknown {
    if (node.params.length === 0 && !hasHash(node)) {
      // A bare name is always a variable, so a var called `length` or `quote` still works.
      return node.path.type === 'PathExpression' ? this.resolve(node.path, scope) : this.expr(node.path, scope)
    }
    return this.call(node, scope)
  }

  private block(node: Block, scope: Frame[]): string {
    const name = helperName(node.path)
    const arg = (lenient: boolean): unknown => {
      if (node.params.length !== 1) throw new TemplateFault(`{{#${name}}} takes exactly one argument`)
      return this.expr(node.params[0]!, scope, lenient)
    }
    const bp = node.program?.blockParams ?? []
    switch (name) {
      // A missing variable in #if/#unless/#with counts as false: Handlebars has no `is defined`
      // test, so this is how a template says "only if set" (Jinja: `if x is defined and x`).
      case 'if':
        return truthy(arg(true)) ? this.program(node.program, scope) : this.program(node.inverse, scope)
      case 'unless':
        return truthy(arg(true)) ? this.program(node.inverse, scope) : this.program(node.program, scope)
      case 'with': {
        const v = arg(true)
        if (!truthy(v)) return this.program(node.inverse, scope)
        return this.program(node.program, [...scope, { ctx: v, data: {}, params: bind(bp, [v]) }])
      }
      case 'each':
        return this.each(node, arg(false), bp, scope)
    }
    if (name in this.helpers) {
      throw new TemplateFault(`'${name}' is not a block helper`, `Write {{${name} ...}} without '#'.`)
    }
    throw new TemplateFault(
      `unknown block helper '#${name}'.${didYouMean(name, BLOCKS)}`.replace(/\.$/, ''),
      'Block helpers are #if, #unless, #each and #with.',
    )
  }

  private each(node: Block, v: unknown, bp: string[], scope: Frame[]): string {
    if (v === null || v === undefined) return this.program(node.inverse, scope)
    const entries: Array<[string | number, unknown]> = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : isMapping(v)
        ? Object.entries(v)
        : []
    if (!Array.isArray(v) && !isMapping(v)) {
      throw new TemplateFault(`#each expects a list or dict, got a ${typeName(v)}`)
    }
    if (entries.length === 0) return this.program(node.inverse, scope)
    let out = ''
    entries.forEach(([key, item], i) => {
      const data = { index: i, key, first: i === 0, last: i === entries.length - 1 }
      out += this.program(node.program, [...scope, { ctx: item, data, params: bind(bp, [item, key]) }])
    })
    return out
  }

  private call(node: Mustache | SubExpr, scope: Frame[]): unknown {
    const name = helperName(node.path)
    const helper = Object.hasOwn(this.helpers, name) ? this.helpers[name] : undefined
    if (!helper) {
      const jinja = node.params.some((p) => p.type === 'PathExpression' && JINJA_WORDS.has(p.original))
      throw new TemplateFault(
        `unknown helper '${name}'.${jinja ? '' : didYouMean(name, Object.keys(this.helpers))}`.replace(/\.$/, ''),
        jinja
          ? 'This is Jinja; templates use helpers: {{#if c}}a{{else}}b{{/if}}, {{and x y}}, {{eq a b}}. See docs/templates.md.'
          : 'Helpers take space-separated arguments: {{join users ", "}}. See docs/templates.md.',
      )
    }
    if (hasHash(node)) {
      throw new TemplateFault(
        `helper '${name}' takes no named arguments`,
        `Pass arguments in order, e.g. {{indent text 4 true}}.`,
      )
    }
    const args = node.params.map((p, i) => this.expr(p, scope, i === 0 && LENIENT_FIRST.has(name)))
    return helper(...args)
  }

  private expr(e: Expr, scope: Frame[], lenient = false): unknown {
    switch (e.type) {
      case 'PathExpression':
        if (!lenient) return this.resolve(e, scope)
        try {
          return this.resolve(e, scope)
        } catch (err) {
          if (err instanceof UndefinedVariable) return undefined
          throw err
        }
      case 'SubExpression':
        return this.located(e.loc, () => this.call(e, scope))
      case 'UndefinedLiteral':
        return undefined
      default:
        return e.value
    }
  }

  /** Strict lookup: block params, then each context from the innermost out, then fail. */
  private resolve(p: PathExpr, scope: Frame[]): unknown {
    let cur: unknown
    let rest = p.parts.slice(1)
    // What the user wrote before the parts, so errors repeat their spelling ('@root.x', '../x').
    let walked: string[]
    if (p.data) {
      const head = p.parts[0] ?? ''
      let frame: Frame | undefined
      for (let i = scope.length - 1; i >= 0 && !frame; i--) if (Object.hasOwn(scope[i]!.data, head)) frame = scope[i]
      if (head !== 'root' && !frame) throw new UndefinedVariable(p.original)
      cur = head === 'root' ? scope[0]!.ctx : frame!.data[head]
      walked = [`@${head}`]
    } else if (p.depth > 0 || /^(this\b|\.\/)/.test(p.original) || p.parts.length === 0) {
      cur = scope[Math.max(0, scope.length - 1 - p.depth)]!.ctx
      rest = p.parts
      walked = [p.depth > 0 ? '../'.repeat(p.depth) : 'this']
    } else {
      // Outer contexts stay visible inside #each/#with (Handlebars' compat mode), so
      // `{{#each users as |u|}}{{u.name}}@{{domain}}{{/each}}` reads like the Jinja loop it replaces.
      const head = p.parts[0]!
      let hit: { found: boolean; value: unknown } | undefined
      for (let i = scope.length - 1; i >= 0 && !hit; i--) {
        const r = lookupHead(scope[i]!, head)
        if (r.found) hit = r
      }
      if (!hit) {
        throw undefinedPath([head], new Set(scope.flatMap((f) => [...Object.keys(f.params), ...ownKeys(f.ctx)])))
      }
      cur = hit.value
      walked = [head]
    }
    for (const seg of rest) {
      const r = getOwn(cur, seg)
      walked.push(seg)
      if (!r.found) throw undefinedPath(walked, ownKeys(cur))
      cur = r.value
    }
    return cur
  }

  /** Run fn, stamping the innermost template position onto an expected failure. */
  private located<T>(loc: HbsLoc | undefined, fn: () => T): T {
    try {
      return fn()
    } catch (e) {
      throw this.at(loc, e)
    }
  }

  private at(loc: HbsLoc | undefined, e: unknown): unknown {
    if ((e instanceof UndefinedVariable || e instanceof TemplateFault) && !e.loc && loc) {
      e.loc = { line: loc.start.line, col: loc.start.column + 1 }
    }
    return e
  }
}

function lookupHead(f: Frame, head: string): { found: boolean; value: unknown } {
  if (Object.hasOwn(f.params, head)) return { found: true, value: f.params[head] }
  return getOwn(f.ctx, head)
}

function bind(names: string[], values: unknown[]): Record<string, unknown> {
  return Object.fromEntries(names.map((n, i) => [n, values[i]]))
}

function hasHash(node: { hash?: { pairs: unknown[] } }): boolean {
  return (node.hash?.pairs.length ?? 0) > 0
}

function helperName(path: Expr): string {
  return path.type === 'PathExpression' ? path.original : path.type === 'SubExpression' ? '(…)' : String(path.value)
}
