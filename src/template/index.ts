// The templating surface the rest of tsplay uses: Handlebars for text, Jinja-style expressions
// for conditions.
export { renderString, renderTemplateFile, renderValue } from './render.js'
export { evalCondition, evaluate } from './expressions.js'
