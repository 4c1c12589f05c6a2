import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, jsonForScript, mdCode, mdText } from './escape.ts';

describe('escapeXml', () => {
  it.each([
    ['markup', '<a href="x">&\'', false, '&lt;a href="x"&gt;&amp;\''],
    ['markup in an attribute', '<"\'>', true, '&lt;&quot;&apos;&gt;'],
    ['whitespace kept in text', 'a\tb\nc', false, 'a\tb\nc'],
    ['whitespace kept in an attribute', 'a\tb\nc\rd', true, 'a&#9;b&#10;c&#13;d'],
    ['C0 controls', 'a\u0000b\u001bc', false, 'a\\u{0}b\\u{1b}c'],
    ['lone surrogate and U+FFFE', '\ud800x\ufffe', false, '\\u{d800}x\\u{fffe}'],
    ['astral characters stay', '😀', false, '😀'],
    [']]> cannot survive', ']]>', false, ']]&gt;'],
  ])('%s', (_name, input, attribute, expected) => {
    expect(escapeXml(input, attribute)).toBe(expected);
  });
});

describe('html and script', () => {
  it('escapes text for HTML', () => {
    expect(escapeHtml(`<script>"'&`)).toBe('&#60;script&#62;&#34;&#39;&#38;');
  });

  it('keeps inline JSON from closing its script or opening a comment, and round-trips', () => {
    const value = { a: '</script><!-- --> & \u2028', b: ['<![CDATA[', ']]>'] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/<|>|&|\u2028/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('markdown', () => {
  it.each([
    ['plain', 'velaro/widget', 'velaro/widget'],
    ['pipes and markup', 'a|b <img> *x* [l](u)', 'a\\|b \\<img\\> \\*x\\* \\[l\\]\\(u\\)'],
    ['newlines fold', 'a\nb', 'a b'],
  ])('mdText %s', (_name, input, expected) => {
    expect(mdText(input)).toBe(expected);
  });

  it.each([
    ['plain', 'img-src', false, '`img-src`'],
    ['backticks inside', 'a`b', false, '``a`b``'],
    ['backtick at the edge', '`x`', false, '`` `x` ``'],
    ['pipe in a table', 'a|b', true, '`a\\|b`'],
    ['pipe outside a table', 'a|b', false, '`a|b`'],
    ['empty', '', false, ''],
  ])('mdCode %s', (_name, input, inTable, expected) => {
    expect(mdCode(input, inTable)).toBe(expected);
  });
});
