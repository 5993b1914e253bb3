/**
 * DOM helpers for the pure render functions. User strings reach the page only as text: `el()` takes text
 * children (turned into text nodes) and attribute values set with setAttribute; there is no innerHTML here.
 */
export const SVG_NS = 'http://www.w3.org/2000/svg';

export type Child = Node | string | null | undefined | false;
export type Attrs = { [name: string]: string | number | boolean | null | undefined };

function setAttrs(e: Element, attrs: Attrs | undefined): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    // Event-handler attributes are never set from here (a data-driven name must not become a handler).
    if (/^on/i.test(k)) throw new Error(`refusing to set event attribute ${k}`);
    e.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(doc: Document, e: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
}

/** An HTML element with attributes and text/element children. */
export function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  setAttrs(e, attrs);
  append(doc, e, children);
  return e;
}

/** An SVG element (text children become SVG text nodes). */
export function svg<K extends keyof SVGElementTagNameMap>(doc: Document, tag: K, attrs?: Attrs, ...children: Child[]): SVGElementTagNameMap[K] {
  const e = doc.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  setAttrs(e, attrs);
  append(doc, e, children);
  return e;
}

/** A button that runs `onClick`; `type=button` so it never submits. */
export function button(doc: Document, attrs: Attrs, label: Child[] | string, onClick: (ev: MouseEvent) => void): HTMLButtonElement {
  const b = el(doc, 'button', { type: 'button', ...attrs }, ...(typeof label === 'string' ? [label] : label));
  b.addEventListener('click', onClick);
  return b;
}
