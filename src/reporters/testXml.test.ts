// The checker the JUnit test relies on must itself reject what a strict parser rejects.
import { describe, expect, it } from 'vitest';
import { parseXmlStrict } from './testXml.ts';

const bad: [string, string][] = [
  ['unclosed element', '<a><b></a>'],
  ['mismatched close', '<a></b>'],
  ['two roots', '<a/><b/>'],
  ['bare ampersand', '<a>x & y</a>'],
  ['unknown entity', '<a>&nbsp;</a>'],
  ['< in attribute', '<a b="<"/>'],
  ['unquoted attribute', '<a b=c/>'],
  ['duplicate attribute', '<a b="1" b="2"/>'],
  ['control character', '<a>\u0001</a>'],
  ['reference to a control character', '<a>&#1;</a>'],
  ['lone surrogate', '<a>\ud800</a>'],
  [']]> in text', '<a>]]></a>'],
  ['-- in comment', '<a><!-- a -- b --></a>'],
  ['declaration not first', ' <?xml version="1.0"?><a/>'],
  ['text after root', '<a/>x'],
  ['attributes without space', '<a b="1"c="2"/>'],
];

describe('parseXmlStrict', () => {
  it.each(bad)('rejects %s', (_name, xml) => {
    expect(() => parseXmlStrict(xml)).toThrow(/not well-formed/);
  });

  it('reads elements, attributes, references and CDATA', () => {
    const root = parseXmlStrict(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><r a="&lt;&#10;&quot;" b=\'x\'><c/>t&amp;<![CDATA[<x>]]>&#x1F600;</r>\n',
    );
    expect(root.name).toBe('r');
    expect(root.attributes).toEqual({ a: '<\n"', b: 'x' });
    expect(root.children.map((c) => c.name)).toEqual(['c']);
    expect(root.text).toBe('t&<x>😀');
  });
});
