/** Text and attribute values in the HTML report: every server name and OVH message goes through here. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe inside an element or a quoted attribute (HTML and SVG). */
export function esc(text: string | number | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A coordinate with at most one decimal, as short as it gets. */
export function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}
