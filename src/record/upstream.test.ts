import { describe, expect, it } from 'vitest';
import { failuresError } from './record.ts';
import { failureKind, forwardedHeaders, pairs, returnedHeaders, type UpstreamFailure } from './upstream.ts';

describe('failureKind', () => {
  it.each([
    [{ code: 'ENOTFOUND' }, 'dns'],
    [{ code: 'EAI_AGAIN' }, 'dns'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'tls'],
    [{ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, 'tls'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'tls'],
    [{ code: 'CERT_HAS_EXPIRED' }, 'tls'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls'],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'tls'],
    [{ code: 'ECONNRESET', library: 'SSL routines' }, 'tls'],
    [{ code: 'ECONNRESET' }, 'other'],
    [{ code: 'ETIMEDOUT' }, 'other'],
    [new Error('odd'), 'other'],
  ])('%j → %s', (error, kind) => {
    expect(failureKind(error)).toBe(kind);
  });
});

describe('forwardedHeaders', () => {
  it('drops hop-by-hop and proxy headers and content-length, keeps Host and the rest, limits Accept-Encoding', () => {
    const headers = forwardedHeaders([
      ['Host', 'widget.acme.test'],
      ['Connection', 'keep-alive'],
      ['Proxy-Connection', 'keep-alive'],
      ['Proxy-Authorization', 'Basic eA=='],
      ['Content-Length', '12'],
      ['Accept-Encoding', 'gzip, deflate, br, compress'],
      ['Cookie', 'a=1'],
      ['cookie', 'b=2'],
      ['X-Many', 'one'],
      ['X-Many', 'two'],
      ['Sec-Fetch-Dest', 'script'],
    ]);
    expect(headers).toEqual({ host: 'widget.acme.test', 'accept-encoding': 'gzip, deflate, br', cookie: 'a=1; b=2', 'x-many': ['one', 'two'], 'sec-fetch-dest': 'script' });
  });

  it('drops Accept-Encoding when nothing in it can be decoded, and the names asked', () => {
    expect(forwardedHeaders([['Accept-Encoding', 'compress'], ['Sec-WebSocket-Key', 'x'], ['Origin', 'https://www.shop.test']], ['sec-websocket-key'])).toEqual({ origin: 'https://www.shop.test' });
  });
});

describe('returnedHeaders', () => {
  it('keeps repeated headers (Set-Cookie) and content-encoding, drops hop-by-hop ones and content-length', () => {
    expect(returnedHeaders(pairs(['Set-Cookie', 'a=1', 'Content-Encoding', 'gzip', 'Transfer-Encoding', 'chunked', 'Content-Length', '5', 'set-cookie', 'b=2', 'Keep-Alive', 'timeout=5']))).toEqual({
      'set-cookie': ['a=1', 'b=2'],
      'content-encoding': 'gzip',
    });
  });
});

describe('failuresError', () => {
  const failure = (over: Partial<UpstreamFailure>): UpstreamFailure => ({ kind: 'dns', host: 'widget.acme.test', url: 'https://widget.acme.test/loader.js', destination: 'widget.acme.test:443 (DNS)', detail: 'ENOTFOUND', ...over });

  it.each<[Partial<UpstreamFailure>, string, RegExp]>([
    [{ kind: 'dns' }, 'CSPH_RECORD_DNS', /widget\.acme\.test does not resolve .*--resolve widget\.acme\.test=<ip>:<port>/],
    [{ kind: 'tls', detail: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate' }, 'CSPH_RECORD_TLS', /TLS certificate of widget\.acme\.test .*not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE.*--upstream-ca <ca\.pem>/],
    [{ kind: 'refused', destination: '127.0.0.1:9 (--resolve)' }, 'CSPH_RECORD_REFUSED', /widget\.acme\.test \(127\.0\.0\.1:9 \(--resolve\)\) refused the connection/],
    [{ kind: 'other', detail: 'ETIMEDOUT: no answer within 30000 ms' }, 'CSPH_RECORD_UPSTREAM', /loader\.js .* failed: ETIMEDOUT/],
  ])('%j → %s', (over, code, message) => {
    const error = failuresError([failure(over)]);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/Nothing was written\.$/);
  });

  it('names every other host that failed, once', () => {
    const error = failuresError([failure({}), failure({ url: 'https://widget.acme.test/other.js' }), failure({ kind: 'tls', host: 'cdn.acme.test' }), failure({ kind: 'tls', host: 'cdn.acme.test' })]);
    expect(error.message).toMatch(/Also: cdn\.acme\.test \(tls\)\. Nothing/);
  });
});
