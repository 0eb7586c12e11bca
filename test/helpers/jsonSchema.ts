// A JSON Schema (draft 2020-12) validator for the keywords schema/report.schema.json uses, and only those:
// a keyword it does not know is an error, never silently passed. Tested in test/helpers/jsonSchema.test.ts.

export type Schema = boolean | { [keyword: string]: unknown };

/** Keywords that only annotate: they constrain nothing. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', '$defs', 'title', 'description']);
const KNOWN = new Set([
  ...ANNOTATIONS,
  '$ref',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minimum',
  'allOf',
  'anyOf',
  'not',
  'if',
  'then',
  'else',
]);

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v;

function hasType(v: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(v);
  if (type === 'number') return typeof v === 'number' && Number.isFinite(v);
  return typeOf(v) === type;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeOf(a) !== typeOf(b) || typeof a !== 'object' || a === null) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((x, i) => equal(x, bs[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => k in bo && equal(ao[k], bo[k]));
}

/** `#/$defs/name` (a JSON pointer into the root schema) to the schema it names. */
function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#')) throw new Error(`only local $ref is supported, not ${ref}`);
  let at: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof at !== 'object' || at === null || !(key in at)) throw new Error(`$ref ${ref} points nowhere`);
    at = (at as Record<string, unknown>)[key];
  }
  return at as Schema;
}

const show = (v: unknown): string => JSON.stringify(v);

function check(root: Schema, schema: Schema, value: unknown, path: string, errors: string[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push(`${path || '/'}: is not allowed here`);
    return;
  }
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`unsupported keyword "${k}" at ${path}`);
  const at = path || '/';
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') check(root, resolve(root, s.$ref), value, path, errors);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => hasType(value, t))) {
      errors.push(`${at}: must be ${types.join(' or ')}, is ${show(value)}`);
      return;
    }
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => equal(e, value)))
    errors.push(`${at}: must be one of ${(s.enum as unknown[]).map(show).join(', ')}, is ${show(value)}`);
  if ('const' in s && !equal(s.const, value)) errors.push(`${at}: must be ${show(s.const)}, is ${show(value)}`);
  if (typeof s.minimum === 'number' && typeof value === 'number' && value < s.minimum)
    errors.push(`${at}: must be at least ${s.minimum}, is ${value}`);
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const name of (s.required as string[] | undefined) ?? [])
      if (!(name in obj)) errors.push(`${at}: must have "${name}"`);
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, v] of Object.entries(obj)) {
      if (name in props) check(root, props[name]!, v, `${path}/${name}`, errors);
      else if (s.additionalProperties !== undefined)
        check(root, s.additionalProperties as Schema, v, `${path}/${name}`, errors);
    }
  }
  if (Array.isArray(value) && s.items !== undefined)
    value.forEach((v, i) => check(root, s.items as Schema, v, `${path}/${i}`, errors));
  for (const sub of (s.allOf as Schema[] | undefined) ?? []) check(root, sub, value, path, errors);
  if (s.anyOf !== undefined) {
    const tries = (s.anyOf as Schema[]).map((sub) => validate(root, value, sub, path));
    if (tries.every((e) => e.length > 0))
      errors.push(`${at}: matches none of: ${tries.map((e) => e.join('; ')).join(' | ')}`);
  }
  if (s.not !== undefined && validate(root, value, s.not as Schema, path).length === 0)
    errors.push(`${at}: must not match ${show(s.not)}`);
  if (s.if !== undefined) {
    const branch = validate(root, value, s.if as Schema, path).length === 0 ? s.then : s.else;
    if (branch !== undefined) check(root, branch as Schema, value, path, errors);
  }
}

/** What is wrong with `value` against `schema` (a part of `root`, by default all of it): one line each. */
export function validate(root: Schema, value: unknown, schema: Schema = root, path = ''): string[] {
  const errors: string[] = [];
  check(root, schema, value, path, errors);
  return errors;
}
