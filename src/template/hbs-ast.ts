// The subset of the Handlebars AST (as returned by Handlebars.parse) that the walker reads.
// Declared here so only render.ts imports handlebars.

export interface HbsLoc {
  start: { line: number; column: number }
}

export interface PathExpr {
  type: 'PathExpression'
  data: boolean
  depth: number
  parts: string[]
  original: string
  loc?: HbsLoc
}

export interface SubExpr {
  type: 'SubExpression'
  path: Expr
  params: Expr[]
  hash?: Hash
  loc?: HbsLoc
}

export interface LiteralExpr {
  type: 'StringLiteral' | 'NumberLiteral' | 'BooleanLiteral' | 'NullLiteral' | 'UndefinedLiteral'
  value?: unknown
  loc?: HbsLoc
}

export type Expr = PathExpr | SubExpr | LiteralExpr

export interface Hash {
  pairs: Array<{ key: string; value: Expr }>
}

export interface Program {
  type: 'Program'
  body: Statement[]
  blockParams?: string[]
}

export interface Mustache {
  type: 'MustacheStatement'
  path: Expr
  params: Expr[]
  hash?: Hash
  loc?: HbsLoc
}

export interface Block {
  type: 'BlockStatement'
  path: Expr
  params: Expr[]
  hash?: Hash
  program?: Program
  inverse?: Program
  loc?: HbsLoc
}

export interface Content {
  type: 'ContentStatement'
  value: string
  loc?: HbsLoc
}

/** Comments, partials and decorators: the walker skips the first and refuses the rest. */
export interface OtherStatement {
  type: 'CommentStatement' | 'PartialStatement' | 'PartialBlockStatement' | 'DecoratorBlock' | 'Decorator'
  loc?: HbsLoc
}

export type Statement = Mustache | Block | Content | OtherStatement
