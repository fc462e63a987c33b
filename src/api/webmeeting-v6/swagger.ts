/** E60: the OpenAPI document of this dialect (webmeeting-v6 §12.5). */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../domain/deps.js';

/** The path prefix of this dialect in the app-wide document. */
const PREFIX = '/api/v6';

/** The parts of an OpenAPI 3.1 document this route reads and writes. */
interface OpenApiDocument {
  openapi?: string;
  info?: Record<string, unknown>;
  tags?: Array<{ name: string }>;
  paths?: Record<string, Record<string, { tags?: string[] }>>;
  [key: string]: unknown;
}

/**
 * The `/api/v6` part of the app's OpenAPI document (the one `/docs` shows): only this dialect's paths, the
 * components they may reference, and `servers` set to the public URL, so the document works pasted into
 * editor.swagger.io as the vendor's link does (S2).
 */
export function v6OpenApi(full: OpenApiDocument, publicUrl: string): OpenApiDocument {
  const paths = Object.fromEntries(Object.entries(full.paths ?? {}).filter(([p]) => p === PREFIX || p.startsWith(`${PREFIX}/`)));
  const used = new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])));
  const { tags, info, ...rest } = full;
  return {
    ...rest,
    info: { ...info, title: 'Convene Web Meeting API v6', description: 'The Web Meeting API v6 dialect of Convene: accounts, users, meetings, calendars, recordings and webhooks.' },
    servers: [{ url: publicUrl }],
    ...(tags ? { tags: tags.filter((t) => used.has(t.name)) } : {}),
    paths,
  };
}

/** Registers E60. */
export function registerSwaggerRoutes(f: FastifyInstance, deps: Deps): void {
  // Routes cannot change once the app is ready, so the document is built on the first request and kept.
  let body: string | undefined;

  f.get('/documentation/swagger', {
    config: { auth: 'public' },
    schema: {
      operationId: 'webmeeting.getSwagger',
      tags: ['documentation'],
      description: 'This OpenAPI 3.1 document: every /api/v6 endpoint, generated from the schemas the server validates and serialises with.',
      response: { 200: { description: 'An OpenAPI 3.1 document.', content: { 'application/json': { schema: Type.Object({}, { additionalProperties: true }) } } } },
    },
  }, async (_req, reply) => {
    body ??= JSON.stringify(v6OpenApi(f.swagger() as unknown as OpenApiDocument, deps.settings.publicUrl));
    // Sent as a string: a response schema would serialise the document through its whitelist.
    return reply.type('application/json; charset=utf-8').send(body);
  });
}
