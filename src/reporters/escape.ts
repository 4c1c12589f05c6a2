// Escaping for the text formats the reporters write. Report text is attacker-ish (blocked URLs).

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Anything else (C0 controls, lone surrogates, U+FFFE/FFFF) cannot appear even as &#…;.
function xmlChar(ch: string, attribute: boolean): string {
  switch (ch) {
    case '&': return '&amp;';
    case '<': return '&lt;';
    case '>': return '&gt;';
    case '"': return attribute ? '&quot;' : ch;
    case "'": return attribute ? '&apos;' : ch;
    case '\t': return attribute ? '&#9;' : ch;
    case '\n': return attribute ? '&#10;' : ch;
    case '\r': return '&#13;';
  }
  const code = ch.codePointAt(0) ?? 0;
  const legal =
    (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
  return legal ? ch : `\\u{${code.toString(16)}}`;
}

/** Text content or attribute value for XML; illegal characters become a visible `\u{…}`. */
export function escapeXml(text: string, attribute = false): string {
  let out = '';
  // for…of walks code points, so a valid surrogate pair stays whole and a lone one is caught.
  for (const ch of text) out += xmlChar(ch, attribute);
  return out;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** JSON for an inline `<script type="application/json">`: no `</script`, `<!--` or `]]>` can survive. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const MD_SPECIAL = /[\\`*_[\]()<>|~&!#]/g;

/** Plain text inside GitHub-flavoured markdown (table cells too): punctuation escaped, one line. */
export function mdText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(MD_SPECIAL, (ch) => `\\${ch}`);
}

/** A code span holding any text; `inTable` escapes `|`, which GFM splits cells on even inside code. */
export function mdCode(text: string, inTable = false): string {
  let body = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  if (body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '')) {
    body = ` ${body} `;
  }
  if (inTable) body = body.replace(/\|/g, '\\|');
  return body === '' ? '' : `${fence}${body}${fence}`;
}
