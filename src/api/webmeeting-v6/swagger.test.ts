/**
 * E60 GET /documentation/swagger (webmeeting-v6 §12.5, §15.8): the public OpenAPI 3.1 document of this
 * dialect lists exactly the endpoints of §0.1, each with a `webmeeting.*` operationId and a 200 schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../../test/support/app.js';
import { v6OpenApi } from './swagger.js';

/** A JSON object from a response body; tests read its fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

/** §0.1 E1–E60, paths relative to /api/v6, exactly as the table spells them (the HEAD twins of E43/E44 are not rows). */
const ENDPOINTS: ReadonlyArray<readonly [string, string, string]> = [
  ['E1', 'POST', '/account'],
  ['E2', 'GET', '/account'],
  ['E3', 'GET', '/account/{accountId}'],
  ['E4', 'PUT', '/account/{accountId}'],
  ['E5', 'DELETE', '/account/{accountId}'],
  ['E6', 'GET', '/account/admin/{accountId}'],
  ['E7', 'POST', '/account/admin/{accountId}'],
  ['E8', 'DELETE', '/account/admin/{accountId}/{userId}'],
  ['E9', 'GET', '/account/user/{accountId}'],
  ['E10', 'POST', '/account/user/{accountId}'],
  ['E11', 'GET', '/account/apikey/{accountId}'],
  ['E12', 'POST', '/account/apikey/{accountId}'],
  ['E13', 'DELETE', '/account/apikey/{accountId}/{keyId}'],
  ['E14', 'GET', '/user/me'],
  ['E15', 'GET', '/user/email/{email}'],
  ['E16', 'GET', '/user/{userId}'],
  ['E17', 'PUT', '/user/{userId}'],
  ['E18', 'DELETE', '/user/{userId}'],
  ['E19', 'POST', '/user/{userId}/icstoken'],
  ['E20', 'POST', '/meeting'],
  ['E21', 'PUT', '/meeting/{id}/{notify}'],
  ['E22', 'PUT', '/meeting/{id}'],
  ['E23', 'GET', '/meeting/{id}'],
  ['E24', 'DELETE', '/meeting/{id}/{notify}'],
  ['E25', 'DELETE', '/meeting/{id}'],
  ['E26', 'GET', '/meeting'],
  ['E27', 'GET', '/meeting/number/{meetingId}'],
  ['E28', 'GET', '/meeting/user/{userId}'],
  ['E29', 'GET', '/meeting/account/{accountId}'],
  ['E30', 'GET', '/meeting/room/{roomId}'],
  ['E31', 'POST', '/meeting/{id}/close'],
  ['E32', 'POST', '/meeting/close'],
  ['E33', 'POST', '/meeting/{id}/reopen'],
  ['E34', 'GET', '/meeting/{id}/occurrences'],
  ['E35', 'PUT', '/meeting/{id}/occurrences/{recurrenceId}'],
  ['E36', 'DELETE', '/meeting/{id}/occurrences/{recurrenceId}'],
  ['E37', 'POST', '/meeting/{id}/occurrences/{recurrenceId}/restore'],
  ['E38', 'GET', '/meeting/{id}/links'],
  ['E39', 'GET', '/meeting/{id}/dialin'],
  ['E40', 'GET', '/meeting/{id}/ics'],
  ['E41', 'GET', '/meeting/{id}/recordings'],
  ['E42', 'GET', '/recording/{recordingId}/download'],
  ['E43', 'GET', '/meeting/calender/user/{icsToken}'],
  ['E44', 'GET', '/meeting/calender/meeting/{icsToken}'],
  ['E45', 'GET', '/permission/account/{accountId}'],
  ['E46', 'POST', '/permission/account/{accountId}'],
  ['E47', 'GET', '/permission/{permissionId}'],
  ['E48', 'PUT', '/permission/{permissionId}'],
  ['E49', 'DELETE', '/permission/{permissionId}'],
  ['E50', 'GET', '/room/account/{accountId}'],
  ['E51', 'GET', '/room/{roomId}'],
  ['E52', 'PUT', '/room/{roomId}'],
  ['E53', 'GET', '/dialin/numbers'],
  ['E54', 'GET', '/webhook'],
  ['E55', 'PUT', '/webhook'],
  ['E56', 'POST', '/webhook/{event}/secret'],
  ['E57', 'GET', '/webhook/delivery'],
  ['E58', 'GET', '/webhook/delivery/{deliveryId}'],
  ['E59', 'POST', '/webhook/delivery/{deliveryId}/redeliver'],
  ['E60', 'GET', '/documentation/swagger'],
];

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** Every operation of a document as `METHOD path`, with the operation. */
function operations(doc: Data): Array<[string, Data]> {
  return Object.entries<Data>(doc.paths).flatMap(([path, item]) =>
    Object.entries<Data>(item)
      .filter(([m]) => METHODS.has(m))
      .map(([m, op]): [string, Data] => [`${m.toUpperCase()} ${path}`, op]),
  );
}

let h: Harness;
let doc: Data;

beforeAll(async () => {
  h = await harness();
  const res = await h.app.inject({ method: 'GET', url: '/api/v6/documentation/swagger' });
  expect(res.statusCode, res.body).toBe(200);
  doc = res.json();
});
afterAll(() => h.close());

describe('E60 GET /documentation/swagger', () => {
  it('is public JSON: no key needed, and a wrong key is not even looked at', async () => {
    for (const headers of [{}, { 'x-api-key': 'not-a-key' }, { 'x-user-id': 'nope' }]) {
      const res = await h.app.inject({ method: 'GET', url: '/api/v6/documentation/swagger', headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.json()).toEqual(doc);
    }
  });

  it('is an OpenAPI 3.1 document whose server is the public URL', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Convene Web Meeting API v6', version: expect.any(String) });
    expect(doc.servers).toEqual([{ url: 'https://meet.example.com' }]);
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-KEY' });
  });

  it('lists exactly the endpoints of §0.1, E1–E60', () => {
    const listed = operations(doc).map(([key]) => key).sort();
    const expected = ENDPOINTS.map(([, method, path]) => `${method} /api/v6${path}`).sort();
    expect(listed).toEqual(expected);
    expect(listed).toHaveLength(60);
  });

  it('gives every operation a unique webmeeting.* operationId and a 200 response with a schema', () => {
    const ids = new Set<string>();
    for (const [key, op] of operations(doc)) {
      expect(op.operationId, key).toMatch(/^webmeeting\.[A-Za-z]+$/);
      expect(ids.has(op.operationId), `${key}: duplicate ${op.operationId}`).toBe(false);
      ids.add(op.operationId);
      const ok = op.responses?.['200'];
      expect(ok, key).toBeDefined();
      const schemas = Object.values<Data>(ok.content ?? {}).map((c) => c.schema);
      expect(schemas.length, key).toBeGreaterThan(0);
      for (const schema of schemas) expect(Object.keys(schema ?? {}).length, `${key}: empty 200 schema`).toBeGreaterThan(0);
    }
  });

  it('shows the envelope and the spec\u2019s keys for the recordings list (E41)', () => {
    const schema = doc.paths['/api/v6/meeting/{id}/recordings'].get.responses['200'].content['application/json'].schema;
    expect(schema.properties.responseCode).toMatchObject({ enum: [0] });
    expect(Object.keys(schema.properties.data.items.properties)).toEqual(['id', 'recurrenceId', 'startedAt', 'endedAt', 'durationSeconds', 'sizeBytes', 'mimeType', 'url']);
  });

  it('matches the app\u2019s own document (the one /docs serves), restricted to /api/v6', () => {
    const full = h.app.swagger() as unknown as Data;
    const own = Object.keys(full.paths).filter((p) => p.startsWith('/api/v6/'));
    expect(Object.keys(doc.paths).sort()).toEqual(own.sort());
    for (const p of own) expect(doc.paths[p]).toEqual(JSON.parse(JSON.stringify(full.paths[p])));
  });
});

describe('v6OpenApi()', () => {
  it('keeps only /api/v6 paths and the tags they use, sets servers, and leaves the input untouched', () => {
    const full = {
      openapi: '3.1.0',
      info: { title: 'Convene', version: '1.2.3' },
      tags: [{ name: 'meetings' }, { name: 'huawei' }],
      components: { securitySchemes: {} },
      paths: {
        '/api/v6/meeting': { get: { tags: ['meetings'] } },
        '/api/v6': { get: {} },
        '/api/v60/x': { get: { tags: ['huawei'] } },
        '/v1/mmc/control': { post: { tags: ['huawei'] } },
      },
    };
    const before = JSON.stringify(full);
    const out = v6OpenApi(full, 'https://m.example.org');
    expect(Object.keys(out.paths ?? {})).toEqual(['/api/v6/meeting', '/api/v6']);
    expect(out.tags).toEqual([{ name: 'meetings' }]);
    expect(out.servers).toEqual([{ url: 'https://m.example.org' }]);
    expect(out.info).toMatchObject({ title: 'Convene Web Meeting API v6', version: '1.2.3' });
    expect(out.components).toEqual({ securitySchemes: {} });
    expect(JSON.stringify(full)).toBe(before);
  });
});
