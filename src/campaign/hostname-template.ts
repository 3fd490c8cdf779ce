/**
 * Config-drive hostname templates such as "{shortName}.fleet.example.com": placeholders, rendering, and the
 * hostname check OVH applies (RFC 1035 section 2.3.1: labels of letters, digits and hyphens, at most 63
 * characters each, starting with a letter: OVH refuses a leading digit with `HostnameInvalidFormat`, though
 * RFC 1123 would allow it). Workflow-safe: imports only other workflow-safe modules.
 */
import { quote } from '../input/quote';
import { closestMatch } from '../input/suggest';

/** Placeholders a hostname (or boot-probe URL) template may use. */
export const TEMPLATE_PLACEHOLDERS = {
  /** The full service name, e.g. "ns3012345.ip-51-91-2.eu". */
  serviceName: (serviceName: string) => serviceName,
  /** The service name's first label, e.g. "ns3012345". */
  shortName: (serviceName: string) => serviceName.split('.')[0] ?? serviceName,
} as const;
export type TemplatePlaceholder = keyof typeof TEMPLATE_PLACEHOLDERS;

const PLACEHOLDER_NAMES = Object.keys(TEMPLATE_PLACEHOLDERS);
const PLACEHOLDER = /\{([^{}]*)\}/g;
/** Stands in for a real server when a template is checked before the servers are known. */
export const SAMPLE_SERVICE_NAME = 'ns3012345.ip-51-91-2.eu';

/** What is wrong with a template's placeholders (unknown name, stray brace), or undefined. */
export function templateSyntaxProblem(template: string): string | undefined {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!PLACEHOLDER_NAMES.includes(name)) {
      const guess = closestMatch(name, PLACEHOLDER_NAMES);
      const hint = guess ? `did you mean {${guess}}?` : 'use {serviceName} or {shortName}';
      return `uses the unknown placeholder {${name}}; ${hint}`;
    }
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) {
    return `has an unmatched "{" or "}"; placeholders are written {serviceName} or {shortName}`;
  }
  return undefined;
}

/** The template with every placeholder replaced for one server (the template must be syntactically valid). */
export function renderTemplate(template: string, serviceName: string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name in TEMPLATE_PLACEHOLDERS ? TEMPLATE_PLACEHOLDERS[name as TemplatePlaceholder](serviceName) : whole,
  );
}

/** What makes `hostname` an invalid RFC 1035 host name, or undefined when it is valid. */
function hostnameProblem(hostname: string): string | undefined {
  if (hostname.length > 253) return `is ${hostname.length} characters long (at most 253)`;
  for (const label of hostname.split('.')) {
    if (label === '') return 'has an empty label (two dots in a row, or a leading or trailing dot)';
    if (label.length > 63) return `has the label ${quote(label)}, ${label.length} characters long (at most 63)`;
    if (!/^[A-Za-z0-9-]+$/.test(label)) {
      return `has the label ${quote(label)}; labels may contain only letters, digits and hyphens`;
    }
    if (!/^[A-Za-z]/.test(label)) {
      return `has the label ${quote(label)}; OVH requires each label to start with a letter`;
    }
    if (label.endsWith('-')) return `has the label ${quote(label)}, which ends with a hyphen`;
  }
  return undefined;
}

/** What is wrong with a hostname template for one server (syntax, then the rendered name), or undefined. */
export function hostnameTemplateProblem(template: string, serviceName: string): string | undefined {
  const syntax = templateSyntaxProblem(template);
  if (syntax !== undefined) return syntax;
  const rendered = renderTemplate(template, serviceName);
  const problem = hostnameProblem(rendered);
  return problem === undefined ? undefined : `renders ${quote(rendered)} for ${quote(serviceName)}, which ${problem}`;
}
