import SwaggerParser from '@apidevtools/swagger-parser';
import { startTestApp, type TestApp } from '../support/app';

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  allOf?: Schema[];
  anyOf?: Schema[];
}

interface MediaType {
  schema?: Schema;
}

interface Response {
  description?: string;
  content?: Record<string, MediaType>;
  headers?: Record<string, unknown>;
}

interface Operation {
  summary?: string;
  operationId?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, MediaType> };
  responses: Record<string, Response>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every operation of the document as `METHOD /path` with the operation itself. */
function operations(doc: OpenApiDocument): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

const successes = (op: Operation) =>
  Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));

const hasSchema = (r: Response) =>
  Object.values(r.content ?? {}).some((media) => media.schema !== undefined);

/** A schema that is only `{ type: 'object' }` says nothing a client could generate from. */
const saysSomething = (s: Schema | undefined) =>
  s !== undefined &&
  (s.$ref !== undefined ||
    s.oneOf !== undefined ||
    s.allOf !== undefined ||
    s.anyOf !== undefined ||
    s.items !== undefined ||
    s.properties !== undefined ||
    (s.type !== undefined && s.type !== 'object'));

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp({ workers: false });
    const res = await fetch(`${t.baseUrl}/api/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await t.close();
  });

  it('is a valid OpenAPI document', async () => {
    // validate() dereferences in place: it gets a copy, the walk below keeps the $refs.
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('is served as a page too', async () => {
    const res = await fetch(`${t.baseUrl}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('gives every operation a summary', () => {
    const missing = operations(doc)
      .filter(([, op]) => !op.summary?.trim())
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('gives every operation a success response with a schema, or a 204 without a body', () => {
    const missing = operations(doc)
      .filter(([, op]) => {
        const ok = successes(op);
        if (ok.length === 0) return true;
        return !ok.every(([status, r]) =>
          status === '204' ? r.content === undefined : hasSchema(r),
        );
      })
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('describes what each JSON success body holds, not just "an object"', () => {
    const vague = operations(doc)
      .flatMap(([name, op]) =>
        successes(op).flatMap(([status, r]) =>
          Object.entries(r.content ?? {})
            .filter(([type, media]) => type.includes('json') && !saysSomething(media.schema))
            .map(() => `${name} ${status}`),
        ),
      )
      .filter(Boolean);
    expect(vague).toEqual([]);
  });

  it('gives every request body a schema', () => {
    const missing = operations(doc)
      .filter(([, op]) => op.requestBody && !hasSchema(op.requestBody))
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('documents the errors of every /api/v1 route with the shared error schema', () => {
    const problems = operations(doc)
      .filter(([name]) => name.includes(' /api/v1/'))
      .flatMap(([name, op]) => {
        const unauthorized = op.responses['401'];
        if (!unauthorized) return [`${name}: no 401`];
        const ref = unauthorized.content?.['application/json']?.schema?.$ref;
        return ref === '#/components/schemas/ApiErrorDto' ? [] : [`${name}: 401 is ${ref}`];
      });
    expect(problems).toEqual([]);
    expect(doc.components.schemas.ApiErrorDto?.properties).toEqual(
      expect.objectContaining({
        statusCode: expect.anything(),
        error: expect.anything(),
        message: expect.anything(),
      }),
    );
  });

  it('documents /metrics as Prometheus text', () => {
    const ok = doc.paths['/metrics']?.get?.responses['200'];
    expect(Object.keys(ok?.content ?? {})).toEqual([expect.stringMatching(/^text\/plain/)]);
    expect(Object.values(ok!.content!)[0].schema).toEqual({ type: 'string' });
  });

  it('documents the webhook receiver with the generic event as its body', () => {
    const receive = doc.paths['/webhooks/{instanceId}']?.post;
    expect(receive).toBeDefined();
    const body = receive!.requestBody?.content?.['application/json']?.schema;
    expect(body).toBeDefined();
    expect(JSON.stringify(body)).toContain('#/components/schemas/GenericEventDto');
    expect(doc.components.schemas.GenericEventDto?.properties).toEqual(
      expect.objectContaining({
        kind: expect.anything(),
        occurredAt: expect.anything(),
        device: expect.anything(),
      }),
    );
    expect(Object.keys(receive!.responses).sort()).toEqual(
      expect.arrayContaining(['202', '400', '401', '404', '413', '503']),
    );
    expect(receive!.responses['503'].headers).toHaveProperty('Retry-After');
  });

  it('leaves the console out', () => {
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
  });

  it('declares the body of a client rules override as an object, not a string', () => {
    const body =
      doc.paths['/api/v1/rules/clients/{clientId}']?.put?.requestBody?.content?.['application/json']
        ?.schema;
    expect(body?.$ref).toBe('#/components/schemas/RuleSettingsBodyDto');
  });
});
