import t from 'tap';
import { validate } from './jsonSchema.js';

t.test('type: one or several, with integer apart from number', async (t) => {
  t.same(validate({ type: 'string' }, 'x'), []);
  t.same(validate({ type: 'integer' }, 3), []);
  t.match(validate({ type: 'integer' }, 3.5), [/must be integer, is 3.5/]);
  t.same(validate({ type: 'number' }, 3.5), []);
  t.same(validate({ type: ['string', 'null'] }, null), []);
  t.match(validate({ type: ['string', 'null'] }, 1), [/must be string or null/]);
  t.match(validate({ type: 'object' }, []), [/must be object/], 'an array is no object');
  t.match(validate({ type: 'null' }, undefined), [/must be null/]);
});

t.test('enum, const and minimum', async (t) => {
  t.same(validate({ enum: ['passed', 'failed'] }, 'failed'), []);
  t.match(validate({ enum: ['passed', 'failed'] }, 'pass'), [/must be one of "passed", "failed", is "pass"/]);
  t.same(validate({ const: 1 }, 1), []);
  t.match(validate({ const: 1 }, '1'), [/must be 1, is "1"/]);
  t.match(validate({ const: { a: [1] } }, { a: [2] }), [/must be/], 'const compares deeply');
  t.same(validate({ const: { a: [1], b: null } }, { b: null, a: [1] }), []);
  t.match(validate({ minimum: 0 }, -1), [/at least 0/]);
  t.same(validate({ minimum: 0 }, 'not a number'), [], 'minimum only constrains numbers');
});

t.test('objects: required, properties and additionalProperties, with the path of what is wrong', async (t) => {
  const schema = {
    type: 'object',
    required: ['a'],
    additionalProperties: false,
    properties: { a: { type: 'object', properties: { b: { type: 'integer' } } } },
  };
  t.same(validate(schema, { a: { b: 1 } }), []);
  t.match(validate(schema, {}), [/^\/: must have "a"$/]);
  t.match(validate(schema, { a: { b: 'x' } }), [/^\/a\/b: must be integer/]);
  t.match(validate(schema, { a: {}, c: 1 }), [/^\/c: is not allowed here/]);
  t.same(validate({ additionalProperties: { type: 'string' } }, { x: 'y' }), []);
  t.match(validate({ additionalProperties: { type: 'string' } }, { x: 1 }), [/^\/x: must be string/]);
});

t.test('arrays: items, each with its index', async (t) => {
  t.same(validate({ type: 'array', items: { type: 'string' } }, ['a', 'b']), []);
  t.match(validate({ type: 'array', items: { type: 'string' } }, ['a', 2]), [/^\/1: must be string/]);
});

t.test('$ref into $defs, beside other keywords', async (t) => {
  const root = {
    $defs: { ms: { type: 'integer', minimum: 0 } },
    properties: { d: { $ref: '#/$defs/ms', description: 'a duration' } },
  };
  t.same(validate(root, { d: 5 }), []);
  t.match(validate(root, { d: -5 }), [/^\/d: must be at least 0/]);
  t.throws(() => validate({ $ref: '#/$defs/none' }, 1), /points nowhere/);
  t.throws(() => validate({ $ref: 'https://example.org/x.json' }, 1), /only local/);
});

t.test('allOf, anyOf, not, and if/then/else', async (t) => {
  t.match(validate({ allOf: [{ type: 'integer' }, { minimum: 3 }] }, 2), [/at least 3/]);
  const nullable = { anyOf: [{ type: 'null' }, { type: 'object', required: ['x'] }] };
  t.same(validate(nullable, null), []);
  t.same(validate(nullable, { x: 1 }), []);
  t.match(validate(nullable, {}), [/matches none of/]);
  t.match(validate({ not: { required: ['steps'] } }, { steps: [] }), [/must not match/]);
  t.same(validate({ not: { required: ['steps'] } }, {}), []);
  const earned = {
    if: { properties: { status: { const: 'skipped' } } },
    // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, not a promise
    then: { properties: { earned: { const: 0 } } },
    else: { required: ['earned'] },
  };
  t.same(validate(earned, { status: 'skipped', earned: 0 }), []);
  t.match(validate(earned, { status: 'skipped', earned: 2 }), [/^\/earned: must be 0/]);
  t.same(validate(earned, { status: 'passed', earned: 2 }), []);
  t.match(validate(earned, { status: 'passed' }), [/must have "earned"/], 'else applies when if fails');
});

t.test('boolean schemas, and annotations that constrain nothing', async (t) => {
  t.same(validate(true, 'anything'), []);
  t.match(validate(false, 'anything'), [/not allowed/]);
  t.same(validate({ $schema: 'x', title: 't', description: 'd', $comment: 'c' }, 1), []);
});

t.test('a keyword it does not implement is refused, not ignored', async (t) => {
  t.throws(() => validate({ pattern: '^a' }, 'b'), /unsupported keyword "pattern"/);
  t.throws(() => validate({ properties: { a: { maxLength: 1 } } }, { a: 'bb' }), /unsupported keyword "maxLength"/);
});
