// A strict XML 1.0 well-formedness check for tests (no DTDs: nothing we write has one).
// Returns the element tree, or throws with the offset of the first problem.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element, references decoded. */
  text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9._:]*/y;
const SPACE = /[ \t\r\n]*/y;

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 || code === 0xa || code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
  );
}

export function parseXmlStrict(xml: string): XmlElement {
  let pos = 0;
  const fail = (message: string): never => {
    throw new Error(`not well-formed XML at offset ${pos}: ${message} near ${JSON.stringify(xml.slice(pos, pos + 30))}`);
  };

  for (let i = 0; i < xml.length; i++) {
    const code = xml.codePointAt(i) ?? 0;
    if (code > 0xffff) i++;
    else if (!isXmlChar(code)) {
      pos = i;
      fail(`illegal character U+${code.toString(16).padStart(4, '0')}`);
    }
  }

  const match = (re: RegExp): string | null => {
    re.lastIndex = pos;
    const m = re.exec(xml);
    if (!m) return null;
    pos += m[0].length;
    return m[0];
  };
  const skipSpace = (): boolean => (match(SPACE) ?? '').length > 0;
  const expect = (literal: string): void => {
    if (!xml.startsWith(literal, pos)) fail(`expected ${JSON.stringify(literal)}`);
    pos += literal.length;
  };
  const name = (): string => match(NAME) ?? fail('expected a name');

  const reference = (): string => {
    expect('&');
    const m = /^(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/.exec(xml.slice(pos, pos + 12));
    if (!m) return fail('bad entity or character reference');
    pos += m[0].length;
    if (m[3]) return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[m[3] as 'lt'];
    const code = parseInt(m[1] ?? m[2] ?? '', m[1] ? 16 : 10);
    if (!isXmlChar(code)) fail(`reference to an illegal character ${code}`);
    return String.fromCodePoint(code);
  };

  const misc = (): void => {
    for (;;) {
      skipSpace();
      if (xml.startsWith('<!--', pos)) comment();
      else if (xml.startsWith('<?', pos)) pi();
      else return;
    }
  };
  const comment = (): void => {
    const end = xml.indexOf('-->', pos + 4);
    if (end < 0) fail('unterminated comment');
    if (xml.slice(pos + 4, end).includes('--') || xml[end - 1] === '-') fail('"--" inside a comment');
    pos = end + 3;
  };
  const pi = (): void => {
    expect('<?');
    if (name().toLowerCase() === 'xml') fail('an XML declaration is only allowed at the very start');
    const end = xml.indexOf('?>', pos);
    if (end < 0) fail('unterminated processing instruction');
    pos = end + 2;
  };

  const attributeValue = (): string => {
    const quote = xml[pos];
    if (quote !== '"' && quote !== "'") return fail('attribute value must be quoted');
    pos++;
    let value = '';
    for (;;) {
      const ch = xml[pos];
      if (ch === undefined) return fail('unterminated attribute value');
      if (ch === quote) break;
      if (ch === '<') fail('"<" in an attribute value');
      if (ch === '&') value += reference();
      else {
        // Attribute-value normalisation: literal whitespace becomes a space.
        value += /[\t\r\n]/.test(ch) ? ' ' : ch;
        pos++;
      }
    }
    pos++;
    return value;
  };

  const element = (): XmlElement => {
    expect('<');
    const node: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      const spaced = skipSpace();
      if (xml.startsWith('/>', pos)) {
        pos += 2;
        return node;
      }
      if (xml[pos] === '>') {
        pos++;
        break;
      }
      if (!spaced) fail('expected whitespace before an attribute');
      const attr = name();
      if (attr in node.attributes) fail(`duplicate attribute ${attr}`);
      skipSpace();
      expect('=');
      skipSpace();
      node.attributes[attr] = attributeValue();
    }
    for (;;) {
      if (pos >= xml.length) fail(`unclosed element <${node.name}>`);
      if (xml.startsWith('</', pos)) {
        pos += 2;
        const closing = name();
        if (closing !== node.name) fail(`</${closing}> closes <${node.name}>`);
        skipSpace();
        expect('>');
        return node;
      }
      if (xml.startsWith('<!--', pos)) comment();
      else if (xml.startsWith('<![CDATA[', pos)) {
        const end = xml.indexOf(']]>', pos);
        if (end < 0) fail('unterminated CDATA section');
        node.text += xml.slice(pos + 9, end);
        pos = end + 3;
      } else if (xml.startsWith('<?', pos)) pi();
      else if (xml[pos] === '<') node.children.push(element());
      else if (xml[pos] === '&') node.text += reference();
      else {
        if (xml.startsWith(']]>', pos)) fail('"]]>" in character data');
        node.text += xml[pos];
        pos++;
      }
    }
  };

  if (xml.startsWith('<?xml', pos)) {
    const end = xml.indexOf('?>');
    const declaration = xml.slice(0, end + 2);
    if (end < 0 || !/^<\?xml version="1\.[0-9]+"( encoding="[A-Za-z][A-Za-z0-9._-]*")?( standalone="(yes|no)")? ?\?>$/.test(declaration)) {
      fail('malformed XML declaration');
    }
    pos = end + 2;
  }
  misc();
  if (xml.startsWith('<!DOCTYPE', pos)) fail('DOCTYPE is not supported by this checker');
  if (xml[pos] !== '<') fail('expected the root element');
  const root = element();
  misc();
  if (pos !== xml.length) fail('content after the root element');
  return root;
}
