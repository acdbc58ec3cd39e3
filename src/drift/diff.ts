import type { OpenApiDocument } from './load.ts';

/**
 * One difference between two versions of the document, judged from a client's point of view.
 *
 * - Request side (what a client sends; the service must keep accepting it): anything that accepts
 *   less is breaking — a field, enum value, type or media type removed, a field newly required, a
 *   range or length narrowed, a pattern or format changed. Accepting more is not.
 * - Response side (what a client reads; it must keep understanding it): anything that may send
 *   something the client has not seen is breaking — an enum value or type added (a `null` too), a
 *   range widened, a required field removed or made optional, a new success status. Sending less
 *   of what was optional, or new fields, is not (clients ignore unknown fields).
 * - Paths and operations: removed is breaking, added is not.
 */
export interface DocumentChange {
  severity: 'breaking' | 'non-breaking';
  side: 'request' | 'response' | 'operation';
  /** What changed, e.g. `enum-value-removed`, `property-added`, `status-removed`. */
  kind: string;
  /** Where: `POST /images request body: aspect_ratio`, `POST /images 200 application/json: data[].media_type`. */
  location: string;
  message: string;
  before?: unknown;
  after?: unknown;
}

type Node = Record<string, unknown>;
type Side = 'request' | 'response';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const isObject = (value: unknown): value is Node =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Follows local `$ref`s (`#/components/...`); an unresolvable one is kept as it is. */
function deref(doc: OpenApiDocument, node: unknown, trail: string[] = []): { node: Node; refs: string[] } {
  let current = node;
  const refs = [...trail];
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (!ref.startsWith('#/') || refs.includes(ref)) break;
    refs.push(ref);
    let target: unknown = doc;
    for (const part of ref.slice(2).split('/')) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isObject(target) ? target[key] : undefined;
    }
    if (target === undefined) break;
    // Siblings of $ref (3.1 allows description etc.) annotate; the target decides.
    const { $ref: _ref, ...siblings } = current;
    current = isObject(target) ? { ...target, ...siblings } : target;
  }
  return { node: isObject(current) ? current : {}, refs };
}

/** A schema with `allOf` folded in and 3.0/3.1 nullability forms made one. */
function flatten(doc: OpenApiDocument, schema: unknown): { node: Node; refs: string[] } {
  const { node, refs } = deref(doc, schema);
  let out: Node = { ...node };
  if (Array.isArray(node.allOf)) {
    const parts = node.allOf.map((part) => flatten(doc, part).node);
    out = { ...out };
    delete out.allOf;
    for (const part of parts) {
      const properties = {
        ...(out.properties as Node | undefined),
        ...(part.properties as Node | undefined),
      };
      const required = [
        ...new Set([...((out.required as string[]) ?? []), ...((part.required as string[]) ?? [])]),
      ];
      out = { ...part, ...out };
      if (Object.keys(properties).length) out.properties = properties;
      if (required.length) out.required = required;
    }
  }
  // anyOf/oneOf of one schema and `type: null` is a nullable schema, whichever spelling.
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = out[key];
    if (!Array.isArray(branches)) continue;
    const resolved = branches.map((b) => flatten(doc, b));
    const nonNull = resolved.filter((b) => !(b.node.type === 'null' && Object.keys(b.node).length === 1));
    if (nonNull.length === 1 && resolved.length === 2) {
      const only = nonNull[0] as { node: Node; refs: string[] };
      const { [key]: _branches, ...rest } = out;
      out = { ...only.node, ...rest, nullable: true };
      refs.push(...only.refs);
    }
  }
  return { node: out, refs };
}

/** The types a schema allows; empty means any. `nullable: true` (3.0) and `type: [x, 'null']` (3.1) agree. */
function typesOf(schema: Node): Set<string> {
  const types = new Set<string>();
  if (Array.isArray(schema.type)) for (const t of schema.type) types.add(String(t));
  else if (typeof schema.type === 'string') types.add(schema.type);
  else if (isObject(schema.properties)) types.add('object');
  else if (schema.items !== undefined) types.add('array');
  if (types.size > 0 && schema.nullable === true) types.add('null');
  if (Array.isArray(schema.enum) && schema.enum.includes(null) && types.size > 0) types.add('null');
  return types;
}

function enumOf(schema: Node): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum.filter((v) => v !== null);
  if (schema.const !== undefined) return [schema.const];
  return undefined;
}

const covers = (types: Set<string>, t: string) => types.has(t) || (t === 'integer' && types.has('number'));
const show = (value: unknown) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

class Differ {
  readonly changes: DocumentChange[] = [];
  readonly #seen = new Set<string>();

  readonly before: OpenApiDocument;
  readonly after: OpenApiDocument;

  constructor(before: OpenApiDocument, after: OpenApiDocument) {
    this.before = before;
    this.after = after;
  }

  add(
    side: DocumentChange['side'],
    breaking: boolean,
    kind: string,
    location: string,
    message: string,
    values: { before?: unknown; after?: unknown } = {},
  ) {
    this.changes.push({
      severity: breaking ? 'breaking' : 'non-breaking',
      side,
      kind,
      location,
      message,
      ...values,
    });
  }

  /** Compares two schemas reached from `side`; `breaking(narrowing)` decides by side. */
  schema(a: unknown, b: unknown, side: Side, location: string, path: string): void {
    const left = flatten(this.before, a);
    const right = flatten(this.after, b);
    const key = `${side}|${left.refs.join(',')}|${right.refs.join(',')}`;
    if (left.refs.length && right.refs.length) {
      if (this.#seen.has(key)) return; // recursion, or a component already compared from this side
      this.#seen.add(key);
    }
    const A = left.node;
    const B = right.node;
    const at = path ? `${location}: ${path}` : location;
    const request = side === 'request';

    // Types: a request that accepts fewer, or a response that may carry more, breaks clients.
    const ta = typesOf(A);
    const tb = typesOf(B);
    if (ta.size && tb.size) {
      const removed = [...ta].filter((t) => !covers(tb, t));
      const added = [...tb].filter((t) => !covers(ta, t));
      for (const t of removed)
        this.add(side, request, 'type-removed', at, `type ${t} no longer allowed`, {
          before: [...ta],
          after: [...tb],
        });
      for (const t of added)
        this.add(side, !request, 'type-added', at, `type ${t} now allowed`, {
          before: [...ta],
          after: [...tb],
        });
    } else if (ta.size && !tb.size && !B.oneOf && !B.anyOf) {
      this.add(side, !request, 'type-removed', at, `any type now allowed (was ${[...ta].join(' | ')})`, {
        before: [...ta],
      });
    } else if (!ta.size && tb.size && !A.oneOf && !A.anyOf) {
      this.add(side, request, 'type-added', at, `restricted to ${[...tb].join(' | ')} (was any type)`, {
        after: [...tb],
      });
    }

    // Enums.
    const ea = enumOf(A);
    const eb = enumOf(B);
    if (ea && eb) {
      for (const v of ea.filter((x) => !eb.some((y) => Object.is(x, y))))
        this.add(side, request, 'enum-value-removed', at, `enum value ${show(v)} removed`, { before: v });
      for (const v of eb.filter((x) => !ea.some((y) => Object.is(x, y))))
        this.add(side, !request, 'enum-value-added', at, `enum value ${show(v)} added`, { after: v });
    } else if (!ea && eb) {
      this.add(side, request, 'enum-added', at, `now restricted to ${eb.map(show).join(', ')}`, {
        after: eb,
      });
    } else if (ea && !eb) {
      this.add(side, !request, 'enum-removed', at, `no longer restricted to ${ea.map(show).join(', ')}`, {
        before: ea,
      });
    }

    // Bounds: narrower hurts requests, wider hurts responses.
    for (const [low, high] of [
      ['minimum', 'maximum'],
      ['exclusiveMinimum', 'exclusiveMaximum'],
      ['minLength', 'maxLength'],
      ['minItems', 'maxItems'],
      ['minProperties', 'maxProperties'],
    ] as const) {
      for (const [bound, isLow] of [
        [low, true],
        [high, false],
      ] as const) {
        const va = typeof A[bound] === 'number' ? (A[bound] as number) : undefined;
        const vb = typeof B[bound] === 'number' ? (B[bound] as number) : undefined;
        if (va === vb) continue;
        const narrowed = vb !== undefined && (va === undefined || (isLow ? vb > va : vb < va));
        const message = `${bound} ${va === undefined ? 'added' : vb === undefined ? 'removed' : 'changed'}: ${va ?? 'none'} → ${vb ?? 'none'}`;
        this.add(
          side,
          request ? narrowed : !narrowed,
          narrowed ? 'range-narrowed' : 'range-widened',
          at,
          message,
          { before: va, after: vb },
        );
      }
    }
    for (const keyword of ['pattern', 'format'] as const) {
      if (A[keyword] !== B[keyword]) {
        const change = A[keyword] === undefined ? 'added' : B[keyword] === undefined ? 'removed' : 'changed';
        // A new or changed pattern may refuse what a client sends; a dropped one accepts more.
        const breaking = request && change !== 'removed';
        this.add(
          side,
          breaking,
          `${keyword}-${change}`,
          at,
          `${keyword} ${change}: ${show(A[keyword] ?? 'none')} → ${show(B[keyword] ?? 'none')}`,
          { before: A[keyword], after: B[keyword] },
        );
      }
    }

    // Properties and required.
    const pa = (isObject(A.properties) ? A.properties : {}) as Node;
    const pb = (isObject(B.properties) ? B.properties : {}) as Node;
    const ra = new Set(Array.isArray(A.required) ? (A.required as string[]) : []);
    const rb = new Set(Array.isArray(B.required) ? (B.required as string[]) : []);
    const child = (name: string) => (path ? `${path}.${name}` : name);
    for (const name of Object.keys(pa)) {
      if (name in pb) continue;
      if (request)
        this.add(
          side,
          true,
          'property-removed',
          `${location}: ${child(name)}`,
          `field ${child(name)} removed: clients that send it are no longer understood`,
        );
      else
        this.add(
          side,
          ra.has(name),
          'property-removed',
          `${location}: ${child(name)}`,
          `field ${child(name)} removed${ra.has(name) ? ' (it was required: clients may rely on it)' : ''}`,
        );
    }
    const openBefore = A.additionalProperties === true || isObject(A.additionalProperties);
    const named: string[] = [];
    for (const name of Object.keys(pb)) {
      if (name in pa) continue;
      const required = rb.has(name);
      if (openBefore && !required) {
        named.push(name); // already allowed as an additional property: only named now
        continue;
      }
      this.add(
        side,
        request && required,
        'property-added',
        `${location}: ${child(name)}`,
        `field ${child(name)} added${required ? ' as required' : ''}`,
      );
    }
    if (named.length)
      this.add(
        side,
        false,
        'properties-named',
        at,
        `${named.length} field${named.length === 1 ? '' : 's'} named that were already allowed as additional properties (${named.slice(0, 3).join(', ')}${named.length > 3 ? ', …' : ''})`,
      );
    for (const name of Object.keys(pa)) {
      if (!(name in pb)) continue;
      if (!ra.has(name) && rb.has(name))
        this.add(
          side,
          request,
          'required-added',
          `${location}: ${child(name)}`,
          `${child(name)} is now required`,
        );
      if (ra.has(name) && !rb.has(name))
        this.add(
          side,
          !request,
          'required-removed',
          `${location}: ${child(name)}`,
          `${child(name)} is no longer required`,
        );
      this.schema(pa[name], pb[name], side, location, child(name));
    }
    if (
      request &&
      A.additionalProperties !== false &&
      B.additionalProperties === false &&
      Object.keys(pa).length
    )
      this.add(side, true, 'additional-properties-closed', at, 'additional fields are no longer accepted');
    if (isObject(A.additionalProperties) && isObject(B.additionalProperties))
      this.schema(A.additionalProperties, B.additionalProperties, side, location, `${path}{*}`);

    // Arrays.
    if (A.items !== undefined && B.items !== undefined)
      this.schema(A.items, B.items, side, location, `${path}[]`);

    // Alternatives (oneOf and anyOf alike), matched by discriminating `type` value, then by
    // referenced name, then by type.
    const ba = (Array.isArray(A.oneOf) ? A.oneOf : Array.isArray(A.anyOf) ? A.anyOf : undefined) as
      | unknown[]
      | undefined;
    const bb = (Array.isArray(B.oneOf) ? B.oneOf : Array.isArray(B.anyOf) ? B.anyOf : undefined) as
      | unknown[]
      | undefined;
    if (ba && bb) {
      const label = (doc: OpenApiDocument, branch: unknown, index: number) => {
        const { node, refs } = flatten(doc, branch);
        const discriminator =
          isObject(node.properties) && isObject(node.properties.type)
            ? enumOf(flatten(doc, node.properties.type).node)
            : undefined;
        if (discriminator?.length === 1) return `type=${String(discriminator[0])}`;
        if (refs.length) return refs[0]?.split('/').pop() ?? `#${index}`;
        return [...typesOf(node)].join('|') || `#${index}`;
      };
      const la = ba.map((x, i) => label(this.before, x, i));
      const lb = bb.map((x, i) => label(this.after, x, i));
      la.forEach((name, i) => {
        const j = lb.indexOf(name);
        if (j >= 0) this.schema(ba[i], bb[j], side, location, `${path}<${name}>`);
        else this.add(side, request, 'alternative-removed', at, `alternative ${name} removed`);
      });
      for (const name of lb.filter((n) => !la.includes(n)))
        this.add(side, !request, 'alternative-added', at, `alternative ${name} added`);
    } else if (ba || bb) {
      // One side lists alternatives, the other one schema: compatible when, for requests, what
      // was accepted still is (some new alternative takes every old one) and, for responses,
      // nothing new can arrive (every new alternative fits an old one).
      const fits = (x: unknown, y: unknown) => {
        const local = new Differ(this.before, this.after);
        local.schema(x, y, side, location, path);
        return !local.changes.some((c) => c.severity === 'breaking');
      };
      const olds = ba ?? [a];
      const news = bb ?? [b];
      const compatible = request
        ? olds.every((x) => news.some((y) => fits(x, y)))
        : news.every((y) => olds.some((x) => fits(x, y)));
      if (!compatible || ba) {
        const what = ba
          ? `alternatives replaced by one schema`
          : `one schema replaced by ${bb?.length} alternatives`;
        this.add(
          side,
          !compatible,
          'alternatives-changed',
          at,
          `${what}${compatible ? ' that covers them' : ''}`,
        );
      }
    }
  }

  content(a: unknown, b: unknown, side: Side, location: string, isSuccess: boolean): void {
    const ca = (isObject(a) ? a : {}) as Node;
    const cb = (isObject(b) ? b : {}) as Node;
    for (const type of Object.keys(ca)) {
      if (!(type in cb)) {
        // A request media type removed refuses clients that send it; a success media type removed takes away what a client reads.
        this.add(
          side,
          side === 'request' || isSuccess,
          'media-type-removed',
          location,
          `media type ${type} removed`,
        );
        continue;
      }
      const ma = (isObject(ca[type]) ? ca[type] : {}) as Node;
      const mb = (isObject(cb[type]) ? cb[type] : {}) as Node;
      this.schema(ma.schema, mb.schema, side, `${location} ${type}`, '');
    }
    for (const type of Object.keys(cb))
      if (!(type in ca)) this.add(side, false, 'media-type-added', location, `media type ${type} added`);
  }

  operation(method: string, pathKey: string, a: Node, b: Node): void {
    const name = `${method.toUpperCase()} ${pathKey}`;
    // Parameters, by location and name.
    const params = (doc: OpenApiDocument, op: Node, shared: unknown) => {
      const list = [
        ...(Array.isArray(shared) ? shared : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ];
      const out = new Map<string, Node>();
      for (const p of list) {
        const resolved = deref(doc, p).node;
        out.set(`${String(resolved.in)} ${String(resolved.name)}`, resolved);
      }
      return out;
    };
    const pa = params(this.before, a, (a as { __shared?: unknown }).__shared);
    const pb = params(this.after, b, (b as { __shared?: unknown }).__shared);
    for (const [key, p] of pa) {
      const q = pb.get(key);
      const where = `${name} parameter ${key}`;
      if (!q) {
        if (p.in !== 'path')
          this.add('request', true, 'parameter-removed', where, `parameter ${key} removed`);
        continue;
      }
      if (!p.required && q.required)
        this.add('request', true, 'required-added', where, `parameter ${key} is now required`);
      if (p.required && !q.required)
        this.add('request', false, 'required-removed', where, `parameter ${key} is no longer required`);
      this.schema(p.schema, q.schema, 'request', where, '');
    }
    for (const [key, q] of pb) {
      if (!pa.has(key) && q.in !== 'path')
        this.add(
          'request',
          q.required === true,
          'parameter-added',
          `${name} parameter ${key}`,
          `parameter ${key} added${q.required ? ' as required' : ''}`,
        );
    }

    // Request body.
    const ba = a.requestBody === undefined ? undefined : deref(this.before, a.requestBody).node;
    const bb = b.requestBody === undefined ? undefined : deref(this.after, b.requestBody).node;
    const where = `${name} request body`;
    if (ba && !bb) this.add('request', true, 'request-body-removed', where, 'the request body is gone');
    else if (!ba && bb)
      this.add(
        'request',
        bb.required === true,
        'request-body-added',
        where,
        `a request body was added${bb.required ? ' and is required' : ''}`,
      );
    else if (ba && bb) {
      if (!ba.required && bb.required)
        this.add('request', true, 'required-added', where, 'the request body is now required');
      this.content(ba.content, bb.content, 'request', where, false);
    }

    // Responses, by status.
    const ra = (isObject(a.responses) ? a.responses : {}) as Node;
    const rb = (isObject(b.responses) ? b.responses : {}) as Node;
    const success = (status: string) => /^2/.test(status);
    for (const status of Object.keys(ra)) {
      const at = `${name} ${status}`;
      if (!(status in rb)) {
        this.add(
          'response',
          success(status),
          'status-removed',
          at,
          `status ${status} removed${success(status) ? '' : ' (clients handle errors generically)'}`,
        );
        continue;
      }
      const left = deref(this.before, ra[status]).node;
      const right = deref(this.after, rb[status]).node;
      this.content(left.content, right.content, 'response', at, success(status));
    }
    for (const status of Object.keys(rb)) {
      if (status in ra) continue;
      this.add(
        'response',
        success(status),
        'status-added',
        `${name} ${status}`,
        `status ${status} added${success(status) ? ': clients do not expect this success answer' : ''}`,
      );
    }
  }
}

/** `/images/models/{author}/{slug}` and `/images/models/{owner}/{name}` are the same path. */
const pathShape = (path: string) => path.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '');

/**
 * Lists the differences between two versions of an OpenAPI document, each judged breaking or
 * not for a client (see {@link DocumentChange}). Local `$ref`s are followed, `allOf` folded, and
 * 3.0 `nullable` and 3.1 `type: [x, 'null']` treated alike.
 *
 * @example
 * const changes = diffDocuments(parseOpenApi(ours), parseOpenApi(theirs));
 * const breaking = changes.filter((c) => c.severity === 'breaking');
 */
export function diffDocuments(before: OpenApiDocument, after: OpenApiDocument): DocumentChange[] {
  const differ = new Differ(before, after);
  const pathsA = (isObject(before.paths) ? before.paths : {}) as Node;
  const pathsB = (isObject(after.paths) ? after.paths : {}) as Node;
  const byShape = new Map(Object.keys(pathsB).map((p) => [pathShape(p), p]));
  const matched = new Set<string>();
  for (const pathA of Object.keys(pathsA)) {
    const pathB = byShape.get(pathShape(pathA));
    if (!pathB) {
      differ.add('operation', true, 'path-removed', pathA, `path ${pathA} removed`);
      continue;
    }
    matched.add(pathB);
    const itemA = deref(before, pathsA[pathA]).node;
    const itemB = deref(after, pathsB[pathB]).node;
    for (const method of METHODS) {
      const opA = itemA[method];
      const opB = itemB[method];
      if (isObject(opA) && !isObject(opB))
        differ.add(
          'operation',
          true,
          'operation-removed',
          `${method.toUpperCase()} ${pathA}`,
          `operation ${method.toUpperCase()} ${pathA} removed`,
        );
      else if (!isObject(opA) && isObject(opB))
        differ.add(
          'operation',
          false,
          'operation-added',
          `${method.toUpperCase()} ${pathB}`,
          `operation ${method.toUpperCase()} ${pathB} added`,
        );
      else if (isObject(opA) && isObject(opB))
        differ.operation(
          method,
          pathA,
          { ...opA, __shared: itemA.parameters },
          { ...opB, __shared: itemB.parameters },
        );
    }
  }
  for (const pathB of Object.keys(pathsB))
    if (!matched.has(pathB)) differ.add('operation', false, 'path-added', pathB, `path ${pathB} added`);
  return differ.changes;
}
