import type { FastifyInstance } from 'fastify';

/** Options for the scope's JSON body parser. */
export interface JsonBodyOptions {
  /** Also parse bodies sent without a content type, as text/plain or as form-urlencoded (curl -d). */
  lenientTypes: boolean;
  bodyLimit: number;
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const LENIENT_TYPE = /^(text\/plain|application\/x-www-form-urlencoded)\s*(;|$)/i;

/** Error raised for a body that is not JSON (rendered by each dialect's error handler). */
export class InvalidJsonError extends Error {
  readonly code = 'CONVENE_INVALID_JSON';
  readonly statusCode = 400;
}

/**
 * Replaces the scope's body parsers with one JSON parser. An empty body is no body on every method
 * (CROSS-DIALECT.md: vendor SDKs send `Content-Type: application/json` with nothing on GET/PUT/DELETE).
 * Other content types are 415 (FST_ERR_CTP_INVALID_MEDIA_TYPE), rendered by the dialect.
 */
export function useJsonBody(f: FastifyInstance, o: JsonBodyOptions): void {
  f.removeAllContentTypeParsers();
  f.addContentTypeParser('*', { parseAs: 'string', bodyLimit: o.bodyLimit }, (req, body, done) => {
    const type = req.headers['content-type'] ?? '';
    const accepted = JSON_TYPE.test(type) || (o.lenientTypes && (type === '' || LENIENT_TYPE.test(type)));
    if (!accepted) {
      const err = Object.assign(new Error(`Unsupported Media Type: ${type}`), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
      done(err, undefined);
      return;
    }
    const text = String(body);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new InvalidJsonError((e as Error).message), undefined);
    }
  });
}
