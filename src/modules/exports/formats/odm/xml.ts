/** Characters XML 1.0 does not allow anywhere (controls, lone surrogates, U+FFFE/U+FFFF). */
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Text safe in an attribute value (quotes, and whitespace kept as character references). */
export function attr(value: string): string {
  return value.replace(FORBIDDEN, '').replace(/[&<>"'\t\n\r]/g, (c) => ENTITY[c]);
}

/** Text safe as element content (`\r` as a reference so it survives end-of-line handling). */
export function text(value: string): string {
  return value.replace(FORBIDDEN, '').replace(/[&<>\r]/g, (c) => ENTITY[c]);
}

/** `name="value"` pairs of the defined attributes, in the given order, each escaped. */
export function attrs(values: Record<string, string | number | null | undefined>): string {
  return Object.entries(values)
    .filter((e): e is [string, string | number] => e[1] !== null && e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${attr(String(v))}"`)
    .join('');
}

/** An element with attributes and inner XML (already escaped), or empty. */
export function el(
  name: string,
  values: Record<string, string | number | null | undefined>,
  inner = '',
): string {
  return inner === ''
    ? `<${name}${attrs(values)}/>`
    : `<${name}${attrs(values)}>${inner}</${name}>`;
}

/** An element holding only text. */
export function textEl(name: string, value: string): string {
  return `<${name}>${text(value)}</${name}>`;
}
