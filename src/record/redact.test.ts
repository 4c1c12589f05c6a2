import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders } from './redact.ts';

describe('redactHeaders', () => {
  it.each([
    ['Authorization', 'Bearer abc', REDACTED],
    ['authorization', 'Basic dXNlcjpwYXNz', REDACTED],
    ['Proxy-Authorization', 'Basic eA==', REDACTED],
    ['Cookie', 'session=1; theme=dark', REDACTED],
    ['COOKIE', 'a=b', REDACTED],
    ['Set-Cookie', 'session=1; Path=/; HttpOnly', REDACTED],
    ['set-cookie', 'x=y', REDACTED],
    ['Content-Type', 'application/json', 'application/json'],
    ['X-Authorization-Hint', 'none', 'none'],
    ['Cookie2', 'legacy', 'legacy'],
  ])('%s: %s', (name, value, expected) => {
    expect(redactHeaders([[name, value]])).toEqual([[name, expected]]);
  });

  it('keeps order, names and repeated headers', () => {
    const headers: [string, string][] = [['Set-Cookie', 'a=1'], ['Content-Type', 'text/plain'], ['Set-Cookie', 'b=2']];
    expect(redactHeaders(headers)).toEqual([['Set-Cookie', REDACTED], ['Content-Type', 'text/plain'], ['Set-Cookie', REDACTED]]);
    expect(headers[0]![1]).toBe('a=1');
  });
});
